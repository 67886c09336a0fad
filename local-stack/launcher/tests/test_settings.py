from __future__ import annotations

import json
from pathlib import Path

import pytest

import settings
from errors import StackError
from support import save_ports, snapshot


def test_auto_ports_are_free_distinct_and_saved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPELINE_HOME", str(tmp_path))
    monkeypatch.setenv("PIPELINE_PORTS", "auto")
    chosen = settings.load(choose_ports=True)
    assert set(chosen.ports) == set(settings.DEFAULT_PORTS)
    assert len(set(chosen.ports.values())) == len(chosen.ports)
    assert json.loads((tmp_path / "ports.json").read_text()) == chosen.ports
    assert settings.load().ports == chosen.ports


def test_the_auto_ports_flag_works_without_the_variable(tmp_path: Path) -> None:
    chosen = settings.load(choose_ports=True, home=tmp_path, auto_ports=True)
    assert chosen.home == tmp_path.resolve()
    assert not set(chosen.ports.values()) & set(settings.DEFAULT_PORTS.values())


def test_without_auto_ports_the_defaults_are_used(tmp_path: Path) -> None:
    assert settings.load(choose_ports=True, home=tmp_path).ports == settings.DEFAULT_PORTS


def test_a_port_variable_wins_over_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPELINE_HOME", str(tmp_path))
    monkeypatch.setenv("PIPELINE_KAFKA_PORT", "29092")
    ports = settings.load(choose_ports=True).ports
    assert ports["kafka"] == 29092
    assert ports["registry"] == settings.DEFAULT_PORTS["registry"]


@pytest.mark.parametrize("value", ["abc", "0", "70000", "-5"])
def test_a_port_variable_that_is_not_a_port_is_a_mistake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         value: str) -> None:
    monkeypatch.setenv("PIPELINE_CONNECT_PORT", value)
    with pytest.raises(StackError, match=f"PIPELINE_CONNECT_PORT={value} is not a port: set it to a number"):
        settings.load(choose_ports=True, home=tmp_path)
    assert not (tmp_path / "ports.json").exists()


def test_an_unknown_ports_value_is_a_mistake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPELINE_PORTS", "random")
    with pytest.raises(StackError, match=r"PIPELINE_PORTS=random .*--auto-ports"):
        settings.load(choose_ports=True, home=tmp_path)


def test_home_flag_wins_over_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPELINE_HOME", str(tmp_path / "from-env"))
    assert settings.home_dir(tmp_path / "from-flag") == tmp_path / "from-flag"
    assert settings.home_dir() == tmp_path / "from-env"
    monkeypatch.delenv("PIPELINE_HOME")
    assert settings.home_dir() == settings.REPO / ".pipeline"


def test_saved_reads_a_stack_and_writes_nothing(tmp_path: Path) -> None:
    never = tmp_path / "never-started"
    assert settings.saved(never) is None
    assert not never.exists()
    written = save_ports(tmp_path / "home")
    before = snapshot(tmp_path)
    assert settings.saved(tmp_path / "home") == written
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"kafka": 1}', json.dumps(
    {**settings.DEFAULT_PORTS, "kafka": "19092"})])
def test_a_damaged_ports_file_says_how_to_recover(tmp_path: Path, content: str) -> None:
    (tmp_path / "ports.json").write_text(content)
    with pytest.raises(StackError, match=r"ports.json is damaged .*: `./pipeline down` stops what still runs; "
                                         r"then delete the file and run `./pipeline up` again"):
        settings.saved(tmp_path)


def test_the_postgres_password_is_made_once_and_private(tmp_path: Path) -> None:
    stack = settings.Settings(tmp_path, dict(settings.DEFAULT_PORTS))
    password = stack.postgres_password()
    assert len(password) >= 24
    assert stack.postgres_password() == password
    assert (tmp_path / "secrets" / "postgres-password").stat().st_mode & 0o077 == 0
    assert stack.service_env()["POSTGRES_PASSWORD"] == password
    assert stack.service_env()["POSTGRES_JDBC_URL"].endswith(f":{settings.DEFAULT_PORTS['postgres']}/segmentation")
