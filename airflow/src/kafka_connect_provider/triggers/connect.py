"""Triggers of the provider's deferrable sensors: they poll the Connect REST API (or the warehouse) from the
triggerer, so a long wait holds no worker slot. Each ends with one event: ``success``, ``failed`` (with the
worker's trace) or ``timeout``."""
from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

from airflow.providers.common.sql.hooks.sql import DbApiHook
from airflow.sdk import BaseHook
from airflow.triggers.base import BaseTrigger, TriggerEvent

from kafka_connect_provider.exceptions import ConnectorNotFoundError
from kafka_connect_provider.hooks.connect import AsyncKafkaConnectHook
from kafka_connect_provider.rules import judge_finished, judge_state

MODULE = "kafka_connect_provider.triggers.connect"


def _event(payload: dict[str, Any]) -> TriggerEvent:
    return TriggerEvent(payload)  # type: ignore[no-untyped-call]


def sql_hook(conn_id: str) -> DbApiHook:
    """The DB-API hook of a common-SQL connection (PostgreSQL, Snowflake, ...)."""
    hook = BaseHook.get_connection(conn_id).get_hook()  # type: ignore[no-untyped-call]
    if not isinstance(hook, DbApiHook):
        raise TypeError(f"Connection {conn_id} is not a SQL connection: its hook is {type(hook).__name__}")
    return hook


class ConnectorStateTrigger(BaseTrigger):
    """Fires once the connector (and every task) is in ``target_state``, or at once when a part is FAILED."""

    def __init__(self, connector: str, target_state: str, kafka_connect_conn_id: str,
                 poll_interval: float = 2.0, timeout: float = 600.0):
        super().__init__()  # type: ignore[no-untyped-call]
        self.connector = connector
        self.target_state = target_state
        self.kafka_connect_conn_id = kafka_connect_conn_id
        self.poll_interval = poll_interval
        self.timeout = timeout

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return f"{MODULE}.ConnectorStateTrigger", {
            "connector": self.connector, "target_state": self.target_state,
            "kafka_connect_conn_id": self.kafka_connect_conn_id, "poll_interval": self.poll_interval,
            "timeout": self.timeout}

    async def run(self) -> AsyncIterator[TriggerEvent]:
        hook = AsyncKafkaConnectHook(self.kafka_connect_conn_id)
        deadline = time.monotonic() + self.timeout
        detail = "no status yet"
        while time.monotonic() < deadline:
            try:
                status: dict[str, Any] | None = await hook.get_status(self.connector)
            except ConnectorNotFoundError:
                status = None  # created a moment ago: the status topic has not caught up yet
            verdict = judge_state(self.connector, status, self.target_state)
            detail = verdict.detail
            if verdict.failed:
                yield _event({"status": "failed", "connector": self.connector, "part": verdict.failed_part,
                                    "trace": verdict.trace, "detail": detail})
                return
            if verdict.done:
                yield _event({"status": "success", "connector": self.connector, "detail": detail})
                return
            await asyncio.sleep(self.poll_interval)
        yield _event({"status": "timeout", "connector": self.connector, "detail": detail})


class BoundedSourceFinishedTrigger(BaseTrigger):
    """Fires once every task of a bounded simulator run has committed its closing watermark."""

    def __init__(self, connector: str, kafka_connect_conn_id: str, poll_interval: float = 2.0,
                 timeout: float = 1800.0):
        super().__init__()  # type: ignore[no-untyped-call]
        self.connector = connector
        self.kafka_connect_conn_id = kafka_connect_conn_id
        self.poll_interval = poll_interval
        self.timeout = timeout

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return f"{MODULE}.BoundedSourceFinishedTrigger", {
            "connector": self.connector, "kafka_connect_conn_id": self.kafka_connect_conn_id,
            "poll_interval": self.poll_interval, "timeout": self.timeout}

    async def run(self) -> AsyncIterator[TriggerEvent]:
        hook = AsyncKafkaConnectHook(self.kafka_connect_conn_id)
        deadline = time.monotonic() + self.timeout
        detail = "not polled yet"
        while time.monotonic() < deadline:
            status = await hook.get_status(self.connector)
            # A task that fails ends the run without its watermark: waiting on would only time out.
            state = judge_state(self.connector, status, "RUNNING")
            if state.failed:
                yield _event({"status": "failed", "connector": self.connector, "part": state.failed_part,
                                    "trace": state.trace, "detail": state.detail})
                return
            verdict = judge_finished(self.connector, await hook.get_offsets(self.connector),
                                     len(status.get("tasks", [])))
            detail = verdict.detail
            if verdict.finished:
                yield _event({"status": "success", "connector": self.connector,
                                    "events_sent": verdict.events_sent, "tasks": verdict.tasks, "detail": detail})
                return
            await asyncio.sleep(self.poll_interval)
        yield _event({"status": "timeout", "connector": self.connector, "detail": detail})


class WarehouseValueTrigger(BaseTrigger):
    """Fires once a one-value SQL query on a warehouse connection returns a truthy value (1, true, a row count).

    The query runs through the connection's DB-API hook in a thread, which suits a cheap query polled every few
    seconds; the triggerer's event loop is never blocked.
    """

    def __init__(self, conn_id: str, sql: str, parameters: dict[str, Any] | None = None,
                 poll_interval: float = 5.0, timeout: float = 1800.0):
        super().__init__()  # type: ignore[no-untyped-call]
        self.conn_id = conn_id
        self.sql = sql
        self.parameters = parameters or {}
        self.poll_interval = poll_interval
        self.timeout = timeout

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return f"{MODULE}.WarehouseValueTrigger", {
            "conn_id": self.conn_id, "sql": self.sql, "parameters": self.parameters,
            "poll_interval": self.poll_interval, "timeout": self.timeout}

    async def run(self) -> AsyncIterator[TriggerEvent]:
        hook = await asyncio.to_thread(sql_hook, self.conn_id)
        deadline = time.monotonic() + self.timeout
        value: Any = None
        while time.monotonic() < deadline:
            value = await asyncio.to_thread(first_value, hook, self.sql, self.parameters)
            if value:
                yield _event({"status": "success", "value": str(value)})
                return
            await asyncio.sleep(self.poll_interval)
        yield _event({"status": "timeout", "value": str(value),
                            "detail": f"the query still returned {value!r}"})


def first_value(hook: Any, sql: str, parameters: dict[str, Any]) -> Any:
    """The first column of the first row, or None (a missing table counts as no rows yet)."""
    try:
        row = hook.get_first(sql, parameters=parameters)
    except Exception as error:  # the sink creates its tables with its first batch
        if "does not exist" in str(error) or "UndefinedTable" in type(error).__name__:
            return None
        raise
    return row[0] if row else None
