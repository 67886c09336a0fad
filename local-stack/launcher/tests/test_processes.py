"""A command run in the foreground may clean up after Ctrl-C before the launcher returns."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

LAUNCHER = Path(__file__).resolve().parents[1]

# The child stands for a benchmark: on SIGINT it takes a moment to remove what it created, then says so.
CHILD = """
import signal, sys, time
def clean_up(*_):
    time.sleep(1.0)
    open(sys.argv[1], "w").write("removed")
    sys.exit(130)
signal.signal(signal.SIGINT, clean_up)
open(sys.argv[2], "w").write("started")
time.sleep(60)
"""

# The launcher runs the child in the foreground, as `./pipeline bench` does, and exits with its code.
LAUNCHER_SCRIPT = """
import sys
sys.path.insert(0, sys.argv[1])
from processes import run_in_foreground
sys.exit(run_in_foreground([sys.executable, "-c", sys.argv[2], sys.argv[3], sys.argv[4]]))
"""


def start_launcher(tmp_path: Path) -> tuple[subprocess.Popen[bytes], Path]:
    removed, started = tmp_path / "removed", tmp_path / "started"
    # A session of its own: the signal goes to the launcher alone, as when a terminal is not involved.
    launcher = subprocess.Popen([sys.executable, "-c", LAUNCHER_SCRIPT, str(LAUNCHER), CHILD, str(removed),
                                 str(started)], start_new_session=True)
    deadline = time.monotonic() + 20
    while not started.exists():
        assert time.monotonic() < deadline, "the child did not start"
        time.sleep(0.05)
    return launcher, removed


def test_ctrl_c_is_passed_on_and_the_child_finishes_its_clean_up(tmp_path: Path) -> None:
    launcher, removed = start_launcher(tmp_path)
    os.kill(launcher.pid, signal.SIGINT)

    assert launcher.wait(timeout=20) == 130
    assert removed.read_text() == "removed"


def test_a_second_ctrl_c_kills_the_child(tmp_path: Path) -> None:
    launcher, removed = start_launcher(tmp_path)
    os.kill(launcher.pid, signal.SIGINT)
    time.sleep(0.3)
    os.kill(launcher.pid, signal.SIGINT)

    assert launcher.wait(timeout=20) != 0
    time.sleep(1.5)
    assert not removed.exists()
