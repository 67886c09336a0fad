"""The hooks against a scripted worker: calls, retries on 409/5xx/no answer, and the exceptions raised."""
from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from kafka_connect_provider.exceptions import (
    ConnectorConfigError,
    ConnectorConflictError,
    ConnectorNotFoundError,
    KafkaConnectUnavailableError,
)
from kafka_connect_provider.hooks.connect import AsyncKafkaConnectHook, ConnectSettings, KafkaConnectHook
from stub_connect import StubConnect

REBALANCING = (409, {"error_code": 409, "message": "Cannot complete request because of a conflicting operation"})
RUNNING = {"name": "c", "connector": {"state": "RUNNING"}, "tasks": [{"id": 0, "state": "RUNNING"}]}


@pytest.fixture
def stub() -> Iterator[StubConnect]:
    server = StubConnect().start()
    yield server
    server.stop()


def settings(url: str, retries: int = 3, **kwargs: Any) -> ConnectSettings:
    return ConnectSettings(base_url=url, retries=retries, backoff=0.01, timeout=5, **kwargs)


def test_retries_409_until_the_rebalance_is_over(stub: StubConnect) -> None:
    stub.script(REBALANCING, REBALANCING, (200, RUNNING))
    assert KafkaConnectHook(settings=settings(stub.url)).get_status("c")["connector"]["state"] == "RUNNING"
    assert [r.path for r in stub.requests] == ["/connectors/c/status"] * 3


def test_a_409_that_outlives_the_retries_is_raised_with_the_workers_message(stub: StubConnect) -> None:
    stub.script(REBALANCING)
    with pytest.raises(ConnectorConflictError, match="conflicting operation") as raised:
        KafkaConnectHook(settings=settings(stub.url, retries=2)).resume("c")
    assert raised.value.status == 409 and len(stub.requests) == 3


def test_5xx_is_retried_then_raised_as_unavailable(stub: StubConnect) -> None:
    stub.script((503, {"message": "worker starting"}), (500, {"message": "Request timed out"}))
    with pytest.raises(KafkaConnectUnavailableError, match="Request timed out"):
        KafkaConnectHook(settings=settings(stub.url, retries=1)).list_connectors()
    assert len(stub.requests) == 2


def test_client_errors_are_not_retried(stub: StubConnect) -> None:
    stub.script((400, {"error_code": 400, "message": "Connector configuration is invalid: tasks.max"}))
    with pytest.raises(ConnectorConfigError, match=r"tasks\.max"):
        KafkaConnectHook(settings=settings(stub.url)).put_config("c", {"tasks.max": "x"})
    assert len(stub.requests) == 1
    stub.script((404, {"error_code": 404, "message": "Connector c not found"}))
    with pytest.raises(ConnectorNotFoundError, match="Connector c not found"):
        KafkaConnectHook(settings=settings(stub.url)).delete("c")
    assert len(stub.requests) == 1


def test_no_answer_is_retried_then_raised() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    with pytest.raises(KafkaConnectUnavailableError, match="got no answer"):
        KafkaConnectHook(settings=settings(f"http://127.0.0.1:{closed_port}", retries=1)).list_connectors()


def test_calls_their_rest_paths_with_auth_and_headers(stub: StubConnect) -> None:
    stub.script((200, {"name": "c", "config": {}, "tasks": []}))
    hook = KafkaConnectHook(settings=settings(stub.url, auth=("user", "secret"), headers={"X-Team": "seg"}))
    hook.create("c", {"k": "v"}, initial_state="STOPPED")
    hook.put_config("a b", {"k": "v"})
    hook.patch_config("c", {"k": None})
    hook.restart("c")
    hook.alter_offsets("c", [{"partition": {"task": 0}, "offset": None}])
    hook.reset_offsets("c")
    calls = [(r.method, r.path) for r in stub.requests]
    assert calls == [("POST", "/connectors"), ("PUT", "/connectors/a%20b/config"), ("PATCH", "/connectors/c/config"),
                     ("POST", "/connectors/c/restart?includeTasks=true&onlyFailed=true"),
                     ("PATCH", "/connectors/c/offsets"), ("DELETE", "/connectors/c/offsets")]
    assert stub.requests[0].body == {"name": "c", "config": {"k": "v"}, "initial_state": "STOPPED"}
    assert stub.requests[2].body == {"k": None}
    assert stub.requests[0].headers["Authorization"].startswith("Basic ")
    assert stub.requests[0].headers["X-Team"] == "seg"


def test_settings_from_an_airflow_connection() -> None:
    from airflow.sdk import Connection

    conn = Connection(conn_id="x", conn_type="kafka_connect", host="connect.example", schema="https", port=8443,
                      login="u", password="changeme",
                      extra='{"headers": {"X-A": "1"}, "verify": false, "timeout": 7, "retries": 2}')
    resolved = ConnectSettings.from_connection(conn)
    assert resolved.base_url == "https://connect.example:8443"
    assert resolved.auth == ("u", "changeme") and resolved.headers == {"X-A": "1"}
    assert resolved.verify is False and resolved.timeout == 7 and resolved.retries == 2


def test_the_async_hook_retries_409_too(stub: StubConnect) -> None:
    stub.script(REBALANCING, (503, None), (200, RUNNING))
    status = asyncio.run(AsyncKafkaConnectHook(settings=settings(stub.url)).get_status("c"))
    assert status["tasks"][0]["state"] == "RUNNING" and len(stub.requests) == 3
    stub.script((404, {"message": "Connector c not found"}))
    with pytest.raises(ConnectorNotFoundError):
        asyncio.run(AsyncKafkaConnectHook(settings=settings(stub.url)).get_offsets("c"))
