from __future__ import annotations

import json
from pathlib import Path

import pytest
import settings


def test_auto_ports_are_free_distinct_and_saved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPELINE_HOME", str(tmp_path))
    monkeypatch.setenv("PIPELINE_PORTS", "auto")
    chosen = settings.load(choose_ports=True)
    assert set(chosen.ports) == set(settings.DEFAULT_PORTS)
    assert len(set(chosen.ports.values())) == len(chosen.ports)
    assert json.loads((tmp_path / "ports.json").read_text()) == chosen.ports
    assert settings.load().ports == chosen.ports


def test_a_port_variable_wins_over_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPELINE_HOME", str(tmp_path))
    monkeypatch.delenv("PIPELINE_PORTS", raising=False)
    monkeypatch.setenv("PIPELINE_KAFKA_PORT", "29092")
    ports = settings.load(choose_ports=True).ports
    assert ports["kafka"] == 29092
    assert ports["registry"] == settings.DEFAULT_PORTS["registry"]
