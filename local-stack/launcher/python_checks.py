"""The Python half of `./pipeline test`: ruff, mypy and pytest over every Python part of the project.

Each part is a :class:`Suite` with a pinned requirements file; its tools run in a virtual environment of its own
under ``local-stack/target/venvs/<name>``, made on first use and made again when the requirements change. So a
fresh machine needs nothing but Python 3.11+, and a part with heavy dependencies (Airflow) keeps them to itself.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from errors import StackError
from settings import REPO

VENVS = REPO / "local-stack" / "target" / "venvs"
LAUNCHER = REPO / "local-stack" / "launcher"


@dataclass(frozen=True)
class Suite:
    """One Python part: the folders ruff and mypy check, the tests pytest runs, the venv they run in."""

    name: str
    requirements: Path
    lint_paths: tuple[Path, ...]
    test_paths: tuple[Path, ...]
    pytest_args: tuple[str, ...] = ()
    mypy_args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)


SUITES: list[Suite] = [
    Suite("launcher", LAUNCHER / "requirements-dev.txt",
          lint_paths=(LAUNCHER, REPO / "pipeline"), test_paths=(LAUNCHER / "tests",)),
    Suite("ksql", REPO / "ksql" / "checks" / "requirements-dev.txt",
          lint_paths=(REPO / "ksql" / "checks",), test_paths=(REPO / "ksql" / "checks" / "tests",),
          env={"MYPYPATH": str(REPO / "ksql" / "checks")}),
    Suite("compose", REPO / "docker" / "checks" / "requirements-dev.txt",
          lint_paths=(REPO / "docker" / "checks",), test_paths=(REPO / "docker" / "checks" / "tests",),
          env={"MYPYPATH": str(REPO / "docker" / "checks")}),
    Suite("airflow", REPO / "airflow" / "requirements.lock",
          lint_paths=(REPO / "airflow",), test_paths=(REPO / "airflow" / "tests",),
          env={"MYPYPATH": os.pathsep.join(str(REPO / "airflow" / d) for d in ("src", "dags", "tests"))}),
]


def venv_python(suite: Suite, say: Callable[[str], None]) -> Path:
    """The suite's interpreter, with its requirements installed; reinstalled only when they changed."""
    venv = VENVS / suite.name
    python = venv / "bin" / "python"
    stamp = venv / "requirements.sha256"
    wanted = hashlib.sha256(suite.requirements.read_bytes()).hexdigest()
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    say(f"Installing the Python tools of {suite.name} into {venv} ...")
    _run([sys.executable, "-m", "venv", "--clear", str(venv)], f"create the venv {venv}")
    _run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r", str(suite.requirements)],
         f"install {suite.requirements.relative_to(REPO)}")
    stamp.write_text(wanted)
    return python


def run_suite(suite: Suite, say: Callable[[str], None]) -> bool:
    """Lints, type-checks and tests one suite; returns whether all three passed."""
    python = venv_python(suite, say)
    lint = [str(p) for p in suite.lint_paths]
    steps = [
        ("ruff", [str(python), "-m", "ruff", "check", *lint]),
        ("mypy", [str(python), "-m", "mypy", *suite.mypy_args, *lint]),
        ("pytest", [str(python), "-m", "pytest", *suite.pytest_args, *(str(p) for p in suite.test_paths)]),
    ]
    passed = True
    for tool, command in steps:
        say(f"{suite.name}: {tool}")
        result = subprocess.run(command, cwd=REPO, env=_env(suite))
        passed &= result.returncode == 0
    return passed


def run_all(say: Callable[[str], None]) -> bool:
    """Runs every suite, all of them even when one fails, so one run shows every failure."""
    failed = [suite.name for suite in SUITES if not run_suite(suite, say)]
    if failed:
        say(f"Python checks failed: {', '.join(failed)}")
    return not failed


def _env(suite: Suite) -> dict[str, str]:
    return {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **suite.env}


def _run(command: list[str], what: str) -> None:
    if subprocess.run(command).returncode != 0:
        raise StackError(f"Could not {what}; see the output above.")
