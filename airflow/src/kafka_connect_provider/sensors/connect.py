"""Sensors that wait on a connector's state, a bounded source's end and the warehouse's closed windows.

Each checks once in the worker (a wait that is already over costs no deferral), then, when ``deferrable``
(the default), hands the wait to a trigger of this provider, so it holds no worker slot. The http provider's
deferrable ``HttpSensor`` is not used: it drops its ``response_check`` when it defers.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from airflow.sdk import BaseSensorOperator, Context
from airflow.sdk.exceptions import AirflowSensorTimeout

from kafka_connect_provider.exceptions import ConnectorFailedError, ConnectorNotFoundError
from kafka_connect_provider.hooks.connect import KafkaConnectHook
from kafka_connect_provider.rules import TARGET_STATES, judge_finished, judge_state
from kafka_connect_provider.triggers.connect import (
    BoundedSourceFinishedTrigger,
    ConnectorStateTrigger,
    WarehouseValueTrigger,
    first_value,
    sql_hook,
)


def _end_of_wait(event: Mapping[str, Any], connector: str) -> None:
    if event["status"] == "failed":
        raise ConnectorFailedError(connector, str(event.get("part", "connector")), str(event.get("trace", "")))
    if event["status"] == "timeout":
        raise AirflowSensorTimeout(f"Gave up waiting: {event.get('detail', '')}")


class ConnectorStateSensor(BaseSensorOperator):
    """Waits until a connector is RUNNING with every task RUNNING (or PAUSED, or STOPPED); fails at once, with
    the task's trace in the log, when the connector or any task is FAILED."""

    template_fields: Sequence[str] = ("connector", "target_state")

    def __init__(self, *, connector: str, target_state: str = "RUNNING",
                 kafka_connect_conn_id: str = KafkaConnectHook.default_conn_name, deferrable: bool = True,
                 **kwargs: Any):
        super().__init__(**kwargs)
        if target_state not in TARGET_STATES and "{{" not in target_state:
            raise ValueError(f"target_state must be one of {sorted(TARGET_STATES)}, not {target_state!r}")
        self.connector = connector
        self.target_state = target_state
        self.kafka_connect_conn_id = kafka_connect_conn_id
        self.deferrable = deferrable

    def poke(self, context: Context) -> bool:
        try:
            status: dict[str, Any] | None = KafkaConnectHook(self.kafka_connect_conn_id).get_status(self.connector)
        except ConnectorNotFoundError:
            status = None
        verdict = judge_state(self.connector, status, self.target_state)
        self.log.info("%s", verdict.detail)
        if verdict.failed:
            self.log.error("Trace of %s:\n%s", verdict.failed_part, verdict.trace)
            raise ConnectorFailedError(self.connector, verdict.failed_part, verdict.trace)
        return verdict.done

    def execute(self, context: Context) -> Any:
        if not self.deferrable or self.poke(context):
            return super().execute(context) if not self.deferrable else None
        self.defer(trigger=ConnectorStateTrigger(self.connector, self.target_state, self.kafka_connect_conn_id,
                                                 poll_interval=self.poke_interval, timeout=self.timeout),
                   method_name="execute_complete")

    def execute_complete(self, context: Context, event: dict[str, Any]) -> None:
        if event["status"] == "failed":
            self.log.error("Trace of %s:\n%s", event.get("part"), event.get("trace"))
        _end_of_wait(event, self.connector)
        self.log.info("%s", event.get("detail"))


class BoundedSourceFinishedSensor(BaseSensorOperator):
    """Waits until a bounded simulator run has sent everything: one committed offset per task, each with
    ``watermark.sent`` true. Returns ``{"events_sent": n, "tasks": t}`` (to XCom)."""

    template_fields: Sequence[str] = ("connector",)

    def __init__(self, *, connector: str, kafka_connect_conn_id: str = KafkaConnectHook.default_conn_name,
                 deferrable: bool = True, **kwargs: Any):
        super().__init__(**kwargs)
        self.connector = connector
        self.kafka_connect_conn_id = kafka_connect_conn_id
        self.deferrable = deferrable
        self._result: dict[str, int] = {}

    def poke(self, context: Context) -> bool:
        hook = KafkaConnectHook(self.kafka_connect_conn_id)
        status = hook.get_status(self.connector)
        state = judge_state(self.connector, status, "RUNNING")
        if state.failed:
            self.log.error("Trace of %s:\n%s", state.failed_part, state.trace)
            raise ConnectorFailedError(self.connector, state.failed_part, state.trace)
        verdict = judge_finished(self.connector, hook.get_offsets(self.connector), len(status.get("tasks", [])))
        self.log.info("%s", verdict.detail)
        self._result = {"events_sent": verdict.events_sent, "tasks": verdict.tasks}
        return verdict.finished

    def execute(self, context: Context) -> Any:
        if not self.deferrable:
            super().execute(context)
            return self._result
        if self.poke(context):
            return self._result
        self.defer(trigger=BoundedSourceFinishedTrigger(self.connector, self.kafka_connect_conn_id,
                                                        poll_interval=self.poke_interval, timeout=self.timeout),
                   method_name="execute_complete")

    def execute_complete(self, context: Context, event: dict[str, Any]) -> dict[str, int]:
        if event["status"] == "failed":
            self.log.error("Trace of %s:\n%s", event.get("part"), event.get("trace"))
        _end_of_wait(event, self.connector)
        self.log.info("%s", event.get("detail"))
        return {"events_sent": int(event["events_sent"]), "tasks": int(event["tasks"])}


class WarehouseValueSensor(BaseSensorOperator):
    """Waits until a one-value query on a warehouse connection returns a truthy value, such as whether the last
    closed window of a run has reached its table. ``sql`` may name a ``.sql`` file beside the DAG."""

    template_fields: Sequence[str] = ("sql", "parameters")
    template_ext: Sequence[str] = (".sql",)
    template_fields_renderers: ClassVar[dict[str, str]] = {"sql": "sql"}

    def __init__(self, *, conn_id: str, sql: str, parameters: dict[str, Any] | None = None,
                 deferrable: bool = True, **kwargs: Any):
        super().__init__(**kwargs)
        self.conn_id = conn_id
        self.sql = sql
        self.parameters = parameters or {}
        self.deferrable = deferrable

    def poke(self, context: Context) -> bool:
        hook = sql_hook(self.conn_id)
        value = first_value(hook, self.sql, self.parameters)
        self.log.info("The warehouse query returned %r", value)
        return bool(value)

    def execute(self, context: Context) -> Any:
        if not self.deferrable or self.poke(context):
            return super().execute(context) if not self.deferrable else None
        self.defer(trigger=WarehouseValueTrigger(self.conn_id, self.sql, self.parameters,
                                                 poll_interval=self.poke_interval, timeout=self.timeout),
                   method_name="execute_complete")

    def execute_complete(self, context: Context, event: dict[str, Any]) -> None:
        if event["status"] != "success":
            raise AirflowSensorTimeout(f"Gave up waiting on the warehouse: {event.get('detail', '')}")
        self.log.info("The warehouse query returned %s", event.get("value"))
