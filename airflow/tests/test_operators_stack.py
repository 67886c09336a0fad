"""Every operator against a real Connect worker (the local stack), each followed by a look at the worker's state
made without the provider. The simulator here writes to topics of its own, out of the Streams stage's way."""
from __future__ import annotations

import asyncio
import time
from typing import Any, cast

import pytest
from airflow.sdk import Context
from kafka_connect_provider.exceptions import ConnectorConfigFileError, ConnectorFailedError, ConnectorNotFoundError
from kafka_connect_provider.operators.connect import (
    KafkaConnectAlterOffsetsOperator,
    KafkaConnectDeleteOperator,
    KafkaConnectDeployOperator,
    KafkaConnectGetOffsetsOperator,
    KafkaConnectPatchConfigOperator,
    KafkaConnectPauseOperator,
    KafkaConnectResetOffsetsOperator,
    KafkaConnectRestartOperator,
    KafkaConnectResumeOperator,
    KafkaConnectStopOperator,
)
from kafka_connect_provider.sensors.connect import ConnectorStateSensor
from kafka_connect_provider.triggers.connect import ConnectorStateTrigger
from stub_connect import StubConnect

from conftest import Stack

CONTEXT = cast(Context, {})
NAME = "optest-simulator"
OWN_TOPICS = {f"topic.{key}": f"optest_{key.replace('.', '_')}"
              for key in ("registration", "sign.in", "sign.out", "item.view", "add.to.cart", "check.out")}
SIMULATOR = {**OWN_TOPICS, "registrations.per.hour": "60", "returning.sessions.per.hour": "60"}
# A committed offset of the simulator (one task of one), in the shape its alterOffsets() accepts.
OFFSET = {"events.sent": 42, "low.session": 3, "low.session.start.ms": 1767225600000,
          "low.session.users.before": 2, "last.send.ms": 1767225700000, "last.session": 4, "last.index": 1,
          "last.copy": 0, "max.event.time.ms": 1767225700000, "watermark.sent": False}


def state_of(stack: Stack, name: str) -> tuple[str, list[str]]:
    status = stack.connect("GET", f"/connectors/{name}/status")
    return status["connector"]["state"], [task["state"] for task in status["tasks"]]


def eventually(check: Any, timeout_s: float = 60) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            result = check()
            if result:
                return result
        except AssertionError:
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_s} s: {check}")
        time.sleep(0.5)


async def _first(trigger: ConnectorStateTrigger) -> dict[str, Any]:
    async for event in trigger.run():
        return dict(event.payload)
    raise AssertionError("no event")


def wait_for(name: str, target: str, timeout_s: float = 90) -> None:
    sensor = ConnectorStateSensor(task_id="wait", connector=name, target_state=target, deferrable=False)
    eventually(lambda: sensor.poke(CONTEXT), timeout_s)


def test_the_lifecycle_of_a_connector_step_by_step(stack: Stack) -> None:
    if NAME in stack.connector_names():  # left by an interrupted run on a reused stack
        stack.connect("DELETE", f"/connectors/{NAME}")
    created = KafkaConnectDeployOperator(task_id="create", connector=NAME, config_name="simulator-realtime",
                                         overrides=SIMULATOR, initial_state="STOPPED").execute(CONTEXT)
    assert created["action"] == "created"
    assert eventually(lambda: state_of(stack, NAME) == ("STOPPED", []))
    assert stack.connect("GET", f"/connectors/{NAME}/config")["topic.registration"] == "optest_registration"

    # Connect keeps a deleted connector's offsets: a new connector of an old name would resume from them.
    read = KafkaConnectGetOffsetsOperator(task_id="read", connector=NAME).execute(CONTEXT)
    assert read == stack.connect("GET", f"/connectors/{NAME}/offsets") and "offsets" in read
    offsets = [{"partition": {"task": 0, "tasks": 1}, "offset": OFFSET}]
    KafkaConnectAlterOffsetsOperator(task_id="alter", connector=NAME, offsets=offsets).execute(CONTEXT)
    assert stack.connect("GET", f"/connectors/{NAME}/offsets")["offsets"] == offsets
    KafkaConnectResetOffsetsOperator(task_id="reset", connector=NAME).execute(CONTEXT)
    assert stack.connect("GET", f"/connectors/{NAME}/offsets") == {"offsets": []}

    KafkaConnectResumeOperator(task_id="resume", connector=NAME).execute(CONTEXT)
    wait_for(NAME, "RUNNING")
    assert state_of(stack, NAME) == ("RUNNING", ["RUNNING"])

    KafkaConnectPauseOperator(task_id="pause", connector=NAME).execute(CONTEXT)
    wait_for(NAME, "PAUSED")
    assert state_of(stack, NAME) == ("PAUSED", ["PAUSED"])
    KafkaConnectResumeOperator(task_id="resume_again", connector=NAME).execute(CONTEXT)
    wait_for(NAME, "RUNNING")

    KafkaConnectPatchConfigOperator(task_id="patch", connector=NAME,
                                    patch={"registrations.per.hour": 30}).execute(CONTEXT)
    assert stack.connect("GET", f"/connectors/{NAME}/config")["registrations.per.hour"] == "30"
    wait_for(NAME, "RUNNING")

    again = KafkaConnectDeployOperator(task_id="redeploy", connector=NAME, config_name="simulator-realtime",
                                       overrides={**SIMULATOR, "registrations.per.hour": "30"}).execute(CONTEXT)
    assert again["action"] == "unchanged"
    changed = KafkaConnectDeployOperator(task_id="update", connector=NAME, config_name="simulator-realtime",
                                         overrides=SIMULATOR).execute(CONTEXT)
    assert changed["action"] == "updated"
    assert stack.connect("GET", f"/connectors/{NAME}/config")["registrations.per.hour"] == "60"
    wait_for(NAME, "RUNNING")

    # Nothing has failed, so the default restart (failed tasks only) restarts nothing.
    answer = KafkaConnectRestartOperator(task_id="restart", connector=NAME).execute(CONTEXT)
    assert answer is not None and [t["state"] for t in answer["tasks"]] == ["RUNNING"]
    assert state_of(stack, NAME) == ("RUNNING", ["RUNNING"])

    assert KafkaConnectStopOperator(task_id="stop", connector=NAME).execute(CONTEXT) is True
    wait_for(NAME, "STOPPED")
    assert eventually(lambda: state_of(stack, NAME) == ("STOPPED", []))

    assert KafkaConnectDeleteOperator(task_id="delete", connector=NAME).execute(CONTEXT) is True
    assert NAME not in stack.connector_names()
    assert KafkaConnectDeleteOperator(task_id="delete_again", connector=NAME).execute(CONTEXT) is False
    with pytest.raises(ConnectorNotFoundError):
        KafkaConnectStopOperator(task_id="stop_missing", connector=NAME).execute(CONTEXT)


def test_a_failed_task_fails_the_sensor_at_once_with_its_trace(stack: Stack) -> None:
    name = "optest-failing"
    failing = {**{key: f"{topic}_failing" for key, topic in OWN_TOPICS.items()},
               # The registry holds no schema for these topics, and the converter may not register one: the
               # task fails on its first record, while the connector itself stays RUNNING.
               "value.converter.auto.register.schemas": "false",
               "clock": "accelerated", "clock.acceleration": "3600"}
    KafkaConnectDeployOperator(task_id="deploy", connector=name, config_name="simulator-realtime",
                               overrides=failing).execute(CONTEXT)
    try:
        assert eventually(lambda: state_of(stack, name) == ("RUNNING", ["FAILED"]), 120)
        sensor = ConnectorStateSensor(task_id="wait", connector=name, deferrable=False)
        with pytest.raises(ConnectorFailedError) as failed:
            sensor.poke(CONTEXT)  # the first look fails: no waiting for the sensor's timeout
        assert failed.value.part == "task 0"
        assert "optest_registration_failing-value" in failed.value.trace
        assert "optest_registration_failing-value" in str(failed.value)

        # The deferrable path: the trigger the sensor defers to ends with the same verdict and trace.
        event = asyncio.run(asyncio.wait_for(_first(ConnectorStateTrigger(
            name, "RUNNING", "kafka_connect_default", poll_interval=0.5, timeout=300)), 30))
        assert event["status"] == "failed" and "optest_registration_failing-value" in event["trace"]
    finally:
        stack.connect("DELETE", f"/connectors/{name}")


def test_a_wrong_config_name_is_refused_before_any_call() -> None:
    with pytest.raises(ConnectorConfigFileError, match=r"simulator-backfil.*Known:.*simulator-backfill"):
        KafkaConnectDeployOperator(task_id="deploy", connector="x", config_name="simulator-backfil")
    with pytest.raises(ConnectorConfigFileError, match="not a plain name"):
        KafkaConnectDeployOperator(task_id="deploy", connector="x", config_name="../pom.xml")

    stub = StubConnect().start()
    try:
        import json
        import os

        os.environ["AIRFLOW_CONN_REFUSED"] = json.dumps({"conn_type": "kafka_connect", "host": stub.url})
        stub.script((200, []))
        operator = KafkaConnectDeployOperator(task_id="deploy", connector="x", config_name="{{ params.name }}",
                                              kafka_connect_conn_id="refused")
        operator.config_name = "no-such-config"  # as a param renders it
        with pytest.raises(ConnectorConfigFileError):
            operator.execute(CONTEXT)
        assert stub.requests == []
    finally:
        stub.stop()
