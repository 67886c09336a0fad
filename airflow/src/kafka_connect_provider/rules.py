"""Pure rules shared by the hook, the sensors and the triggers: when to retry, how long to back off, what a
connector's status and a bounded source's offsets mean. No I/O here, so each rule is tested alone."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: Connect answers 409 while its group rebalances (and for a call the connector's state forbids, which a
#: retry cannot fix but which a bounded number of retries only delays); 5xx are the worker's own troubles.
RETRYABLE_STATUSES = frozenset({409, 500, 502, 503, 504})

TARGET_STATES = frozenset({"RUNNING", "PAUSED", "STOPPED"})


def is_retryable(status: int | None) -> bool:
    """Whether a call is worth repeating: no answer at all (``None``), 409, or a 5xx."""
    return status is None or status in RETRYABLE_STATUSES or status >= 500


def backoff_seconds(attempt: int, base: float, cap: float = 30.0) -> float:
    """Delay before retry ``attempt`` (1 for the first retry): ``base`` doubled each time, at most ``cap``."""
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    return float(min(cap, base * 2 ** (attempt - 1)))


@dataclass(frozen=True)
class StateVerdict:
    """What a connector's status means for a wait: ``done``, ``failed`` (with the trace) or still waiting."""

    done: bool
    failed: bool
    detail: str
    trace: str = ""
    failed_part: str = ""


def judge_state(connector: str, status: Mapping[str, Any] | None, target: str) -> StateVerdict:
    """Judges ``GET /connectors/{name}/status`` against the state waited for.

    RUNNING needs the connector and every task RUNNING, and at least one task: a connector is RUNNING while its
    task is FAILED or not yet started. PAUSED needs every task PAUSED too. STOPPED has no tasks. Any FAILED part
    fails the wait at once, whatever the target.
    """
    if target not in TARGET_STATES:
        raise ValueError(f"target state must be one of {sorted(TARGET_STATES)}, not {target!r}")
    if not status:
        return StateVerdict(False, False, f"{connector}: no status yet")
    head = status.get("connector", {})
    tasks: Sequence[Mapping[str, Any]] = status.get("tasks", []) or []
    parts = [("connector", head), *((f"task {task.get('id')}", task) for task in tasks)]
    for name, part in parts:
        if part.get("state") == "FAILED":
            return StateVerdict(False, True, f"{connector}: {name} FAILED", str(part.get("trace", "")), name)
    states = ", ".join(f"{name}={part.get('state')}" for name, part in parts)
    if head.get("state") != target:
        return StateVerdict(False, False, f"{connector}: {states}")
    if target == "STOPPED":
        return StateVerdict(True, False, f"{connector}: STOPPED")
    done = bool(tasks) and all(task.get("state") == target for task in tasks)
    return StateVerdict(done, False, f"{connector}: {states}")


@dataclass(frozen=True)
class FinishedVerdict:
    """Whether a bounded simulator run has sent everything, and how many events it sent."""

    finished: bool
    events_sent: int
    tasks: int
    detail: str


WATERMARK_SENT = "watermark.sent"
EVENTS_SENT = "events.sent"


def judge_finished(connector: str, offsets: Mapping[str, Any], expected_tasks: int) -> FinishedVerdict:
    """Judges ``GET /connectors/{name}/offsets`` of the simulator: finished once there is one committed offset per
    task of the current task count, each with ``watermark.sent`` true (the task's closing watermark is committed
    with, or after, its last event). Entries of an earlier task count are ignored.
    """
    if expected_tasks < 1:
        return FinishedVerdict(False, 0, 0, f"{connector}: no tasks yet")
    entries = offsets.get("offsets", []) or []
    current: dict[int, Mapping[str, Any]] = {}
    for entry in entries:
        partition = entry.get("partition") or {}
        if partition.get("tasks") == expected_tasks and isinstance(partition.get("task"), int):
            current[int(partition["task"])] = entry.get("offset") or {}
    sent = sum(int(offset.get(EVENTS_SENT, 0)) for offset in current.values())
    done_tasks = sorted(task for task, offset in current.items() if offset.get(WATERMARK_SENT) is True)
    finished = len(current) == expected_tasks and len(done_tasks) == expected_tasks
    detail = (f"{connector}: {len(done_tasks)} of {expected_tasks} tasks sent their watermark, "
              f"{sent} events sent")
    return FinishedVerdict(finished, sent, expected_tasks, detail)
