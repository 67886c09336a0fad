"""The pure rules: retries, back-off, what a status and a bounded source's offsets mean."""
from __future__ import annotations

import pytest
from kafka_connect_provider.rules import backoff_seconds, is_retryable, judge_finished, judge_state


@pytest.mark.parametrize(("status", "retry"), [
    (None, True), (409, True), (500, True), (502, True), (503, True), (504, True),
    (400, False), (401, False), (403, False), (404, False), (422, False),
])
def test_retries_409_5xx_and_no_answer_only(status: int | None, retry: bool) -> None:
    assert is_retryable(status) is retry


def test_backoff_doubles_up_to_the_cap() -> None:
    assert [backoff_seconds(n, 1.0, cap=5) for n in range(1, 6)] == [1, 2, 4, 5, 5]
    with pytest.raises(ValueError):
        backoff_seconds(0, 1.0)


def running(*task_states: str, connector: str = "RUNNING") -> dict[str, object]:
    return {"connector": {"state": connector},
            "tasks": [{"id": i, "state": s, "trace": f"trace of {i}" if s == "FAILED" else None}
                      for i, s in enumerate(task_states)]}


def test_running_needs_every_task_running_and_at_least_one() -> None:
    assert judge_state("c", running("RUNNING", "RUNNING"), "RUNNING").done
    assert not judge_state("c", running("RUNNING", "UNASSIGNED"), "RUNNING").done
    assert not judge_state("c", running(), "RUNNING").done
    assert not judge_state("c", None, "RUNNING").done


def test_a_failed_task_of_a_running_connector_fails_the_wait_with_its_trace() -> None:
    verdict = judge_state("c", running("RUNNING", "FAILED"), "RUNNING")
    assert verdict.failed and not verdict.done
    assert verdict.failed_part == "task 1" and verdict.trace == "trace of 1"


def test_paused_and_stopped() -> None:
    assert judge_state("c", running("PAUSED", connector="PAUSED"), "PAUSED").done
    assert not judge_state("c", running("RUNNING", connector="PAUSED"), "PAUSED").done
    assert judge_state("c", {"connector": {"state": "STOPPED"}, "tasks": []}, "STOPPED").done
    with pytest.raises(ValueError):
        judge_state("c", running(), "DONE")


def offsets(*entries: tuple[int, int, bool, int]) -> dict[str, object]:
    return {"offsets": [{"partition": {"task": task, "tasks": tasks},
                         "offset": {"watermark.sent": sent, "events.sent": events}}
                        for task, tasks, sent, events in entries]}


def test_finished_once_every_task_sent_its_watermark() -> None:
    assert not judge_finished("c", offsets(), 2).finished
    assert not judge_finished("c", offsets((0, 2, True, 10)), 2).finished
    assert not judge_finished("c", offsets((0, 2, True, 10), (1, 2, False, 5)), 2).finished
    done = judge_finished("c", offsets((0, 2, True, 10), (1, 2, True, 7)), 2)
    assert done.finished and done.events_sent == 17


def test_offsets_of_an_earlier_task_count_do_not_count() -> None:
    stale = offsets((0, 1, True, 99), (0, 2, True, 10))
    verdict = judge_finished("c", stale, 2)
    assert not verdict.finished and verdict.events_sent == 10
    assert not judge_finished("c", offsets((0, 1, True, 1)), 0).finished
