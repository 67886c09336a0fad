"""The start loop and the REST client, with stand-ins for the parts of the stack."""
from __future__ import annotations

import socket
from pathlib import Path

import pytest

import components
import connect_api
import settings
from errors import StackError
from support import FakeConnect


class FakePart(components.Component):
    """A part whose start and readiness the test decides: ready after ``polls`` checks, or exits at once."""

    start_timeout_s = 5.0

    def __init__(self, stack: settings.Settings, name: str, polls: int = 0, exits: bool = False):
        self.name = name
        super().__init__(stack)
        self.polls, self.exits = polls, exits
        self.started = False

    def start(self) -> None:
        self.started = True
        self.process.log_file.parent.mkdir(parents=True, exist_ok=True)
        self.process.log_file.write_text(f"{self.name}: port already in use\n")

    def running(self) -> bool:
        return self.started and not self.exits

    def ready(self) -> bool:
        if not self.running():
            return False
        self.polls -= 1
        return self.polls < 0

    def describe(self) -> str:
        return f"fake {self.name}"


@pytest.fixture
def stack(tmp_path: Path) -> settings.Settings:
    return settings.Settings(tmp_path, dict(settings.DEFAULT_PORTS))


def test_start_all_starts_in_order_and_leaves_out_what_it_is_told(
        stack: settings.Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    parts = [FakePart(stack, "kafka"), FakePart(stack, "connect", polls=2), FakePart(stack, "streams")]
    monkeypatch.setattr(components, "all_components", lambda _: parts)
    said: list[str] = []
    timings = components.start_all(stack, said.append, without=("streams",))
    assert list(timings) == ["kafka", "connect"]
    assert [part.started for part in parts] == [True, True, False]
    assert "  streams   not started (--without-streams)" in said
    assert said[-2].startswith("  connect   ready in ") and said[-2].endswith("fake connect")


def test_a_part_that_exits_while_starting_fails_with_its_log(
        stack: settings.Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    parts = [FakePart(stack, "kafka"), FakePart(stack, "registry", exits=True), FakePart(stack, "connect")]
    monkeypatch.setattr(components, "all_components", lambda _: parts)
    with pytest.raises(StackError, match=r"registry exited during start-up; see .*registry.log\n"
                                         r"registry: port already in use"):
        components.start_all(stack, lambda _: None)
    assert not parts[2].started


def test_a_port_taken_by_another_program_is_reported_before_starting(
        stack: settings.Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    part = FakePart(stack, "registry")
    part.port_names = ("registry",)
    monkeypatch.setattr(components, "all_components", lambda _: [part])
    with socket.create_server(("127.0.0.1", 0)) as other:
        taken = other.getsockname()[1]
        stack.ports["registry"] = taken
        with pytest.raises(StackError) as error:
            components.start_all(stack, lambda _: None)
    assert str(error.value) == (f"Port {taken} for registry is taken by another program: stop it, or choose other "
                                "ports with `./pipeline up --auto-ports` or PIPELINE_REGISTRY_PORT")
    assert not part.started


def test_every_port_belongs_to_one_part(stack: settings.Settings) -> None:
    named = [port for part in components.all_components(stack) for port in part.port_names]
    assert sorted(named) == sorted(settings.DEFAULT_PORTS)


def test_a_part_already_running_is_not_started_again(stack: settings.Settings,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    running = FakePart(stack, "kafka")
    running.started = True
    monkeypatch.setattr(components, "all_components", lambda _: [running])
    said: list[str] = []
    assert components.start_all(stack, said.append) == {}
    assert said == ["  kafka     already running  fake kafka"]


def test_a_connect_worker_that_does_not_answer_means_start_the_stack() -> None:
    port = settings.free_port()
    with pytest.raises(StackError, match=rf"No Connect worker answers at http://127.0.0.1:{port}/connectors "
                                         r"\(.*\): start the stack with `./pipeline up`"):
        connect_api.connectors(f"http://127.0.0.1:{port}")


def test_a_module_not_built_says_how_to_build_it() -> None:
    with pytest.raises(StackError, match=r"no-such-module is not built: run `mvn -B -DskipTests package`"):
        components.module_classpath("no-such-module", "no-such-module")


def test_a_failed_task_is_restarted_with_what_failed_and_a_running_one_is_left_alone(
        fake_connect: FakeConnect) -> None:
    fake_connect.answers[("GET", "/connectors/sim/status")] = (200, {
        "name": "sim", "connector": {"state": "RUNNING"},
        "tasks": [{"id": 0, "state": "FAILED", "trace": "ConnectException: OffsetStorageWriter is already flushing\n"
                                                        "\tat org.apache.kafka.connect.runtime.WorkerTask"},
                  {"id": 1, "state": "RUNNING"}]})
    fake_connect.answers[("POST", "/connectors/sim/restart?includeTasks=true&onlyFailed=true")] = (202, {})
    fake_connect.answers[("GET", "/connectors/sink/status")] = (200, {
        "name": "sink", "connector": {"state": "RUNNING"}, "tasks": [{"id": 0, "state": "RUNNING"}]})

    assert connect_api.restart_if_failed(fake_connect.url, "sim") == \
        "task 0 failed: ConnectException: OffsetStorageWriter is already flushing"
    assert connect_api.restart_if_failed(fake_connect.url, "sink") is None
    assert connect_api.restart_if_failed(fake_connect.url, "not-yet-deployed") is None

    assert [(method, path) for method, path, _ in fake_connect.requests if method == "POST"] == [
        ("POST", "/connectors/sim/restart?includeTasks=true&onlyFailed=true")]
