"""The few Kafka Connect REST calls the launcher makes: deploy a config file, read states, restart what failed."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from errors import StackError


def _call(method: str, url: str, body: object | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
            return json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        raise StackError(f"{method} {url} answered {error.code}: {error.read().decode(errors='replace')}") from error
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise StackError(f"No Connect worker answers at {url} ({reason}): start the stack with `./pipeline up`"
                         ) from error


def deploy(connect_url: str, config_file: Path) -> str:
    """PUTs a connector config file as it is; the connector is named after the file."""
    name = config_file.stem
    config = json.loads(config_file.read_text())
    _call("PUT", f"{connect_url}/connectors/{name}/config", config)
    return name


def status(connect_url: str, name: str) -> dict[str, Any]:
    state: dict[str, Any] = _call("GET", f"{connect_url}/connectors/{name}/status")
    return state


def connectors(connect_url: str) -> list[str]:
    names: list[str] = _call("GET", f"{connect_url}/connectors")
    return sorted(names)


def wait_running(connect_url: str, name: str, timeout_s: float = 60) -> None:
    """Waits until the connector and all its tasks are RUNNING; fails at once on FAILED with the trace."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            state = status(connect_url, name)
        except StackError:
            state = None  # not yet known to the status topic
        if state:
            failed = _failed_parts(state)
            if failed:
                raise StackError(f"Connector {name} failed:\n{failed[0][1][:3000]}")
            tasks = state.get("tasks", [])
            if state["connector"]["state"] == "RUNNING" and tasks and all(t["state"] == "RUNNING" for t in tasks):
                return
        if time.monotonic() > deadline:
            raise StackError(f"Connector {name} is not RUNNING after {timeout_s:.0f} s: {state}")
        time.sleep(0.5)


def restart_if_failed(connect_url: str, name: str) -> str | None:
    """Restarts the connector's failed instance and failed tasks, if any, and says what failed and why.

    Returns None when nothing failed. An exactly-once source task resumes from its last committed transaction, so a
    restart neither loses nor repeats events.
    """
    try:
        state = status(connect_url, name)
    except StackError:
        return None  # not yet known to the status topic
    failed = _failed_parts(state)
    if not failed:
        return None
    _call("POST", f"{connect_url}/connectors/{name}/restart?includeTasks=true&onlyFailed=true")
    return "; ".join(f"{part_name} failed: {(trace.splitlines() or ['no trace'])[0]}" for part_name, trace in failed)


def _failed_parts(state: dict[str, Any]) -> list[tuple[str, str]]:
    """The connector's FAILED instance and tasks in a status answer, each named and with its trace."""
    parts = [("connector", state["connector"]), *((f"task {t['id']}", t) for t in state.get("tasks", []))]
    return [(part_name, part.get("trace", "")) for part_name, part in parts if part["state"] == "FAILED"]


def summary(connect_url: str) -> list[str]:
    """One line per connector: its state and its tasks' states."""
    lines = []
    for name in connectors(connect_url):
        state = status(connect_url, name)
        tasks = ", ".join(f"{t['id']}:{t['state']}" for t in state.get("tasks", []))
        lines.append(f"{name}: {state['connector']['state']} (tasks {tasks or 'none'})")
    return lines
