"""The triggers against a scripted worker, run on an event loop as the triggerer runs them."""
from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
from kafka_connect_provider.triggers.connect import BoundedSourceFinishedTrigger, ConnectorStateTrigger
from stub_connect import StubConnect


@pytest.fixture
def stub() -> Iterator[StubConnect]:
    server = StubConnect().start()
    os.environ["AIRFLOW_CONN_STUB_CONNECT"] = json.dumps(
        {"conn_type": "kafka_connect", "host": server.url, "extra": {"retries": 2, "backoff": 0.01}})
    yield server
    server.stop()
    os.environ.pop("AIRFLOW_CONN_STUB_CONNECT", None)


def first_event(trigger: Any) -> dict[str, Any]:
    async def run() -> dict[str, Any]:
        async for event in trigger.run():
            return dict(event.payload)
        raise AssertionError("the trigger ended without an event")

    return asyncio.run(asyncio.wait_for(run(), 20))


def status(connector: str, *tasks: str) -> tuple[int, dict[str, Any]]:
    return 200, {"connector": {"state": connector},
                 "tasks": [{"id": i, "state": s, "trace": "org.apache.kafka.connect.errors.ConnectException: boom"
                            if s == "FAILED" else None} for i, s in enumerate(tasks)]}


def test_state_trigger_waits_through_not_found_and_unassigned(stub: StubConnect) -> None:
    stub.script((404, {"message": "not found"}), status("RUNNING", "UNASSIGNED"), status("RUNNING", "RUNNING"))
    event = first_event(ConnectorStateTrigger("c", "RUNNING", "stub_connect", poll_interval=0.01, timeout=10))
    assert event["status"] == "success"
    assert len(stub.requests) == 3


def test_state_trigger_fails_at_once_on_a_failed_task_with_its_trace(stub: StubConnect) -> None:
    stub.script(status("RUNNING", "RUNNING", "FAILED"))
    event = first_event(ConnectorStateTrigger("c", "RUNNING", "stub_connect", poll_interval=0.01, timeout=10))
    assert event["status"] == "failed" and event["part"] == "task 1"
    assert "ConnectException: boom" in event["trace"]
    assert len(stub.requests) == 1


def test_state_trigger_times_out(stub: StubConnect) -> None:
    stub.script(status("PAUSED", "PAUSED"))
    event = first_event(ConnectorStateTrigger("c", "RUNNING", "stub_connect", poll_interval=0.05, timeout=0.3))
    assert event["status"] == "timeout" and "PAUSED" in event["detail"]


def test_finished_trigger_reports_the_events_sent(stub: StubConnect) -> None:
    unfinished = {"offsets": [{"partition": {"task": 0, "tasks": 1},
                               "offset": {"watermark.sent": False, "events.sent": 5}}]}
    finished = {"offsets": [{"partition": {"task": 0, "tasks": 1},
                             "offset": {"watermark.sent": True, "events.sent": 8}}]}
    stub.script(status("RUNNING", "RUNNING"), (200, unfinished), status("RUNNING", "RUNNING"), (200, finished))
    event = first_event(BoundedSourceFinishedTrigger("c", "stub_connect", poll_interval=0.01, timeout=10))
    assert event == {"status": "success", "connector": "c", "events_sent": 8, "tasks": 1,
                     "detail": "c: 1 of 1 tasks sent their watermark, 8 events sent"}


def test_finished_trigger_fails_when_a_task_failed(stub: StubConnect) -> None:
    stub.script(status("RUNNING", "FAILED"))
    event = first_event(BoundedSourceFinishedTrigger("c", "stub_connect", poll_interval=0.01, timeout=10))
    assert event["status"] == "failed" and "boom" in event["trace"]


def test_triggers_serialize_to_their_own_class_and_arguments() -> None:
    trigger = ConnectorStateTrigger("c", "STOPPED", "conn", poll_interval=3, timeout=9)
    path, kwargs = trigger.serialize()
    module, name = path.rsplit(".", 1)
    rebuilt = getattr(__import__(module, fromlist=[name]), name)(**kwargs)
    assert rebuilt.serialize() == (path, kwargs)
    assert kwargs == {"connector": "c", "target_state": "STOPPED", "kafka_connect_conn_id": "conn",
                      "poll_interval": 3, "timeout": 9}
