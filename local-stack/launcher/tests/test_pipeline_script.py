"""The real `./pipeline` script, run as a user runs it: no traceback, one line, nothing written."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from settings import REPO


def pipeline(*argv: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIPELINE_")}
    return subprocess.run([sys.executable, str(REPO / "pipeline"), *argv], capture_output=True, text=True,
                          timeout=60, env={**env, "PIPELINE_HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1"})


def test_status_of_a_never_started_home(tmp_path: Path) -> None:
    home = tmp_path / "never-started"
    result = pipeline("status", home=home)
    assert result.returncode == 1
    assert result.stdout == f"No local stack in {home}: start it with `./pipeline up`.\n"
    assert result.stderr == ""
    assert list(tmp_path.iterdir()) == []


def test_deploy_of_an_unknown_name(tmp_path: Path) -> None:
    result = pipeline("deploy", "nosuch", home=tmp_path / "home")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("pipeline: No connector config named 'nosuch': choose from ")
    assert "simulator-accelerated" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_deploy_with_the_stack_down(tmp_path: Path) -> None:
    result = pipeline("deploy", "simulator-accelerated", home=tmp_path / "home")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.rstrip().endswith("start it with `./pipeline up`")
    assert "Traceback" not in result.stderr
