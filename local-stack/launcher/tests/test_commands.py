"""`status`, `deploy` and `down` against a home with no stack, a stopped stack, and a stand-in Connect worker."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
from pathlib import Path

import pytest

import pipeline_cli
from settings import CONNECTOR_CONFIGS
from support import FakeConnect, save_ports, snapshot


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], list[str]]:
    """Runs `./pipeline` in-process; returns its exit code and its stdout and stderr lines."""
    code = pipeline_cli.main(list(argv))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out.splitlines(), captured.err.splitlines()


def with_connect_at(home: Path, fake: FakeConnect) -> None:
    """Points the saved stack's Connect port at the stand-in."""
    stack = save_ports(home)
    ports = {**stack.ports, "connect": int(fake.url.rsplit(":", 1)[1])}
    (home / "ports.json").write_text(json.dumps(ports))


def test_status_of_a_home_never_started_says_how_to_start_and_creates_nothing(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    home = tmp_path / "never"
    code, out, err = run(capsys, "status", "--home", str(home))
    assert code == 1
    assert out == [f"No local stack in {home}: start it with `./pipeline up`."]
    assert err == []
    assert not home.exists()


def test_status_of_a_stopped_stack_lists_every_part_and_changes_nothing(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    home = tmp_path / "stack"
    save_ports(home)
    (home / "logs").mkdir()
    (home / "logs" / "streams.log").write_text("Segmentation application state REBALANCING -> RUNNING\n")
    (home / "run").mkdir()
    (home / "run" / "kafka.pid").write_text("not a pid\n")
    before = snapshot(tmp_path)
    code, out, err = run(capsys, "status", "--home", str(home))
    assert code == 1
    assert [line.split()[:2] for line in out[:-1]] == [
        [part, "stopped"] for part in ("kafka", "postgres", "registry", "connect", "streams")]
    assert out[-1] == f"The stack in {home} is stopped: start it with `./pipeline up`."
    assert err == []
    assert snapshot(tmp_path) == before


def test_status_of_a_stack_partly_up_lists_connectors_and_says_what_up_does(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, fake_connect: FakeConnect) -> None:
    fake_connect.answers[("GET", "/connectors")] = (200, ["sink"])
    fake_connect.answers[("GET", "/connectors/sink/status")] = (200, {
        "name": "sink", "connector": {"state": "RUNNING"},
        "tasks": [{"id": 0, "state": "RUNNING"}, {"id": 1, "state": "FAILED"}]})
    with_connect_at(tmp_path, fake_connect)
    # A "broker": a live pid (this test's) and something listening on the saved Kafka port.
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "kafka.pid").write_text(str(os.getpid()))
    kafka_port = json.loads((tmp_path / "ports.json").read_text())["kafka"]
    with socket.create_server(("127.0.0.1", kafka_port)):
        before = snapshot(tmp_path)
        code, out, err = run(capsys, "status", "--home", str(tmp_path))
    assert code == 1
    assert out[0].split()[:4] == ["kafka", "ready", f"127.0.0.1:{kafka_port}", "pid"]
    assert [line.split()[:2] for line in out[1:5]] == [
        [part, "stopped"] for part in ("postgres", "registry", "connect", "streams")]
    assert "  connector sink: RUNNING (tasks 0:RUNNING, 1:FAILED)" in out
    assert out[-1] == f"Not every part is ready: `./pipeline up` starts the stopped ones; logs are in {tmp_path}/logs."
    assert err == []
    assert {method for method, _, _ in fake_connect.requests} == {"GET"}
    assert snapshot(tmp_path) == before


def test_deploy_of_an_unknown_name_lists_the_valid_ones(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "deploy", "nosuch", "--home", str(tmp_path / "home"))
    assert code == 1
    assert out == []
    assert len(err) == 1
    valid = sorted(path.stem for path in CONNECTOR_CONFIGS.glob("*.json"))
    assert len(valid) >= 5
    assert err[0] == f"pipeline: No connector config named 'nosuch': choose from {', '.join(valid)} " \
                     f"(the files in connector-configs/)"
    assert not (tmp_path / "home").exists()


def test_deploy_checks_every_name_before_deploying_any(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                      fake_connect: FakeConnect) -> None:
    with_connect_at(tmp_path, fake_connect)
    fake_connect.answers[("GET", "/connectors")] = (200, [])
    code, _, err = run(capsys, "deploy", "simulator-accelerated", "simulator-acelerated", "--home", str(tmp_path))
    assert code == 1
    assert err[0].startswith("pipeline: No connector config named 'simulator-acelerated'")
    assert not [request for request in fake_connect.requests if request[0] == "PUT"]


@pytest.mark.parametrize("state", ["never started", "stopped"])
def test_deploy_with_the_stack_down_says_to_run_up(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                   state: str) -> None:
    home = tmp_path / "home"
    if state == "stopped":
        save_ports(home)
    before = snapshot(tmp_path)
    code, out, err = run(capsys, "deploy", "simulator-accelerated", "--home", str(home))
    assert code == 1
    assert out == []
    assert len(err) == 1
    assert err[0].startswith("pipeline: ")
    assert err[0].endswith("start it with `./pipeline up`")
    assert snapshot(tmp_path) == before


def test_deploy_puts_the_file_as_it_is_and_waits_for_running(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                             fake_connect: FakeConnect) -> None:
    name = "simulator-accelerated"
    fake_connect.answers[("GET", "/connectors")] = (200, [])
    fake_connect.answers[("PUT", f"/connectors/{name}/config")] = (201, {"name": name})
    fake_connect.answers[("GET", f"/connectors/{name}/status")] = (200, {
        "name": name, "connector": {"state": "RUNNING"}, "tasks": [{"id": 0, "state": "RUNNING"}]})
    with_connect_at(tmp_path, fake_connect)
    code, out, err = run(capsys, "deploy", f"connector-configs/{name}.json", "--home", str(tmp_path))
    assert (code, out, err) == (0, [f"  connector {name} RUNNING"], [])
    puts = [body for method, _, body in fake_connect.requests if method == "PUT"]
    assert puts == [json.loads((CONNECTOR_CONFIGS / f"{name}.json").read_text())]


def test_a_connector_that_fails_is_reported_with_its_trace(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                          fake_connect: FakeConnect) -> None:
    name = "simulator-realtime"
    fake_connect.answers[("GET", "/connectors")] = (200, [])
    fake_connect.answers[("PUT", f"/connectors/{name}/config")] = (200, {"name": name})
    fake_connect.answers[("GET", f"/connectors/{name}/status")] = (200, {
        "name": name, "connector": {"state": "RUNNING"},
        "tasks": [{"id": 0, "state": "FAILED", "trace": "org.apache.kafka.connect.errors.ConnectException: boom"}]})
    with_connect_at(tmp_path, fake_connect)
    code, _, err = run(capsys, "deploy", name, "--home", str(tmp_path))
    assert code == 1
    assert err[0] == f"pipeline: Connector {name} failed:"
    assert "ConnectException: boom" in err[1]


def test_a_config_the_worker_refuses_is_one_line_with_its_answer(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                                fake_connect: FakeConnect) -> None:
    name = "simulator-backfill"
    fake_connect.answers[("GET", "/connectors")] = (200, [])
    fake_connect.answers[("PUT", f"/connectors/{name}/config")] = (
        400, {"error_code": 400, "message": "Connector configuration is invalid: simulator.users must be >= 1"})
    with_connect_at(tmp_path, fake_connect)
    code, _, err = run(capsys, "deploy", name, "--home", str(tmp_path))
    assert code == 1
    assert len(err) == 1
    assert "answered 400" in err[0]
    assert "simulator.users must be >= 1" in err[0]


def test_down_without_a_stack_creates_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    home = tmp_path / "never"
    code, out, _ = run(capsys, "down", "--home", str(home))
    assert code == 0
    assert out == [f"No local stack in {home}: nothing to stop."]
    assert not home.exists()


def test_down_purge_deletes_the_home_of_a_stopped_stack(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    home = tmp_path / "stack"
    save_ports(home)
    (home / "logs").mkdir()
    code, out, _ = run(capsys, "down", "--purge", "--home", str(home))
    assert code == 0
    assert f"Deleted {home}" in out
    assert not home.exists()


def test_down_stops_a_home_whose_ports_file_is_damaged(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    home = tmp_path / "stack"
    (home / "run").mkdir(parents=True)
    (home / "ports.json").write_text("{damaged")
    sleeper = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        (home / "run" / "registry.pid").write_text(str(sleeper.pid))
        code, out, err = run(capsys, "down", "--home", str(home))
        assert (code, err) == (0, [])
        assert "  registry  stopped" in out
        assert sleeper.wait(timeout=10) == -signal.SIGTERM
        assert not (home / "run" / "registry.pid").exists()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_down_stops_airflow_too(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    home = tmp_path / "stack"
    (home / "run").mkdir(parents=True)
    save_ports(home)
    sleeper = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        (home / "run" / "airflow.pid").write_text(str(sleeper.pid))
        code, out, err = run(capsys, "down", "--home", str(home))
        assert (code, err) == (0, [])
        assert "  airflow   stopped" in out
        assert sleeper.wait(timeout=10) == -signal.SIGTERM
    finally:
        sleeper.kill()
        sleeper.wait()


def test_an_unwritable_home_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setattr(pipeline_cli, "check_prerequisites", lambda: None)
    code, _, err = run(capsys, "up", "--home", str(blocker / "home"), "--skip-build")
    assert code == 1
    assert len(err) == 1
    assert err[0].startswith(f"pipeline: {blocker / 'home'}: ")


def test_airflow_without_a_stack_says_to_start_one_and_creates_nothing(capsys: pytest.CaptureFixture[str],
                                                                      tmp_path: Path) -> None:
    home = tmp_path / "never"
    code, out, err = run(capsys, "airflow", "status", "--home", str(home))
    assert code == 1
    assert out == []
    assert err == [f"pipeline: No local stack in {home}: start it with `./pipeline up`, then `./pipeline airflow up`"]
    assert not home.exists()


def test_airflow_needs_a_known_action(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "airflow", "start")
    assert code == 2
    assert out == []
    assert len(err) == 1 and "invalid choice: 'start'" in err[0] and "see `./pipeline airflow --help`" in err[0]
