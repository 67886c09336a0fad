"""Every Kafka Connect REST call of the provider, synchronous (operators, sensors) and asynchronous (triggers).

The connection (type ``kafka_connect``) holds the worker's URL in ``host`` (with its scheme, or ``schema`` =
http/https), ``port``, basic-auth ``login``/``password``, and in ``extra``: ``headers`` (a JSON object),
``verify`` (true, false or a CA bundle path), ``cert`` (a client certificate path, or [cert, key]),
``timeout`` (seconds per call, default 30), ``retries`` (default 5) and ``backoff`` (seconds before the first
retry, doubled each time, default 1).
"""
from __future__ import annotations

import asyncio
import json
import ssl
import time
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import requests
from airflow.sdk import BaseHook, Connection

from kafka_connect_provider.exceptions import KafkaConnectUnavailableError, error_for_status, rest_message
from kafka_connect_provider.rules import backoff_seconds, is_retryable

JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


@dataclass(frozen=True)
class ConnectSettings:
    """How to reach one Connect cluster: resolved from an Airflow connection, shared by both hooks."""

    base_url: str
    auth: tuple[str, str] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    verify: bool | str = True
    cert: str | tuple[str, str] | None = None
    timeout: float = 30.0
    retries: int = 5
    backoff: float = 1.0

    @classmethod
    def from_connection(cls, conn: Connection) -> ConnectSettings:
        extra = conn.extra_dejson
        host = (conn.host or "127.0.0.1").rstrip("/")
        if "://" not in host:
            host = f"{conn.schema or 'http'}://{host}"
        if conn.port:
            parsed = urllib.parse.urlsplit(host)
            host = urllib.parse.urlunsplit(parsed._replace(netloc=f"{parsed.hostname}:{conn.port}"))
        cert = extra.get("cert")
        return cls(
            base_url=host,
            auth=(conn.login, conn.password or "") if conn.login else None,
            headers={str(k): str(v) for k, v in (extra.get("headers") or {}).items()},
            verify=extra.get("verify", True),
            cert=(str(cert[0]), str(cert[1])) if isinstance(cert, list) else cert,
            timeout=float(extra.get("timeout", 30)),
            retries=int(extra.get("retries", 5)),
            backoff=float(extra.get("backoff", 1.0)),
        )


def connector_path(name: str, *rest: str) -> str:
    return "/connectors/" + "/".join(urllib.parse.quote(part, safe="") for part in (name, *rest))


class _ConnectHookBase(BaseHook):
    """What both hooks share: the connection type, and the settings read from it once, or given."""

    conn_name_attr = "kafka_connect_conn_id"
    default_conn_name = "kafka_connect_default"
    conn_type = "kafka_connect"

    def __init__(self, kafka_connect_conn_id: str = default_conn_name, settings: ConnectSettings | None = None):
        super().__init__()
        self.kafka_connect_conn_id = kafka_connect_conn_id
        self._settings = settings


class KafkaConnectHook(_ConnectHookBase):
    """Synchronous client of the Connect REST API, with retries on 409, 5xx and connection errors."""

    hook_name = "Kafka Connect"

    def __init__(self, kafka_connect_conn_id: str = _ConnectHookBase.default_conn_name,
                 settings: ConnectSettings | None = None):
        super().__init__(kafka_connect_conn_id, settings)
        self._session: requests.Session | None = None

    @property
    def settings(self) -> ConnectSettings:
        if self._settings is None:
            self._settings = ConnectSettings.from_connection(self.get_connection(self.kafka_connect_conn_id))
        return self._settings

    def get_conn(self) -> requests.Session:
        if self._session is None:
            session = requests.Session()
            session.headers.update({**JSON_HEADERS, **self.settings.headers})
            session.auth = self.settings.auth
            session.verify = self.settings.verify
            session.cert = self.settings.cert
            self._session = session
        return self._session

    def request(self, method: str, path: str, body: object | None = None,
                params: Mapping[str, str] | None = None) -> Any:
        """One REST call, retried on the retryable answers; the parsed JSON body, or None when there is none."""
        settings = self.settings
        url = settings.base_url + path
        attempt = 0
        while True:
            try:
                response = self.get_conn().request(method, url, params=params, timeout=settings.timeout,
                                                   data=None if body is None else json.dumps(body))
                status: int | None = response.status_code
                text = response.text
            except requests.ConnectionError as error:
                status, text = None, f"{type(error).__name__}: {error}"
            except requests.Timeout as error:
                status, text = None, f"timed out after {settings.timeout:.0f} s: {error}"
            if status is not None and status < 300:
                return _body(text)
            _raise_if_final(method, path, status, text, attempt, settings.retries)
            attempt += 1
            delay = backoff_seconds(attempt, settings.backoff)
            self.log.warning("%s %s answered %s; retry %d of %d in %.1f s", method, path, status or "nothing",
                             attempt, settings.retries, delay)
            time.sleep(delay)

    # The lifecycle of a connector, one method per REST call.
    def list_connectors(self) -> list[str]:
        return sorted(self.request("GET", "/connectors"))

    def exists(self, name: str) -> bool:
        return name in self.list_connectors()

    def get_config(self, name: str) -> dict[str, str]:
        return dict(self.request("GET", connector_path(name, "config")))

    def get_status(self, name: str) -> dict[str, Any]:
        return dict(self.request("GET", connector_path(name, "status")))

    def create(self, name: str, config: Mapping[str, str], initial_state: str | None = None) -> dict[str, Any]:
        """``POST /connectors``; ``initial_state`` RUNNING, PAUSED or STOPPED (KIP-980)."""
        body: dict[str, Any] = {"name": name, "config": dict(config)}
        if initial_state:
            body["initial_state"] = initial_state
        return dict(self.request("POST", "/connectors", body))

    def put_config(self, name: str, config: Mapping[str, str]) -> dict[str, Any]:
        """``PUT /connectors/{name}/config``: creates or replaces, idempotent."""
        return dict(self.request("PUT", connector_path(name, "config"), dict(config)))

    def patch_config(self, name: str, patch: Mapping[str, str | None]) -> dict[str, Any]:
        """``PATCH /connectors/{name}/config`` (KIP-477): changes the given keys; a None value removes the key."""
        return dict(self.request("PATCH", connector_path(name, "config"), dict(patch)))

    def pause(self, name: str) -> None:
        self.request("PUT", connector_path(name, "pause"))

    def resume(self, name: str) -> None:
        self.request("PUT", connector_path(name, "resume"))

    def stop(self, name: str) -> None:
        self.request("PUT", connector_path(name, "stop"))

    def restart(self, name: str, include_tasks: bool = True, only_failed: bool = True) -> dict[str, Any] | None:
        """``POST .../restart``: by default the failed tasks only (and the connector if it failed)."""
        params = {"includeTasks": str(include_tasks).lower(), "onlyFailed": str(only_failed).lower()}
        result = self.request("POST", connector_path(name, "restart"), params=params)
        return dict(result) if result else None

    def get_offsets(self, name: str) -> dict[str, Any]:
        return dict(self.request("GET", connector_path(name, "offsets")))

    def alter_offsets(self, name: str, offsets: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """``PATCH .../offsets`` (KIP-875); the connector must be STOPPED."""
        return dict(self.request("PATCH", connector_path(name, "offsets"), {"offsets": list(offsets)}))

    def reset_offsets(self, name: str) -> dict[str, Any]:
        """``DELETE .../offsets`` (KIP-875); the connector must be STOPPED."""
        return dict(self.request("DELETE", connector_path(name, "offsets")))

    def delete(self, name: str) -> None:
        self.request("DELETE", connector_path(name))

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        return {
            "hidden_fields": [],
            "relabeling": {"host": "Connect REST URL", "schema": "Scheme (http or https)"},
            "placeholders": {"host": "http://connect:8083",
                             "extra": '{"headers": {}, "verify": true, "timeout": 30, "retries": 5, "backoff": 1}'},
        }


class AsyncKafkaConnectHook(_ConnectHookBase):
    """The read calls the triggers need, on aiohttp, with the same retry rules as :class:`KafkaConnectHook`."""

    hook_name = "Kafka Connect (async)"

    async def settings(self) -> ConnectSettings:
        if self._settings is None:
            self._settings = ConnectSettings.from_connection(await self.aget_connection(self.kafka_connect_conn_id))
        return self._settings

    async def request(self, method: str, path: str) -> Any:
        settings = await self.settings()
        ssl_context: ssl.SSLContext | bool = False
        if settings.base_url.startswith("https"):
            ssl_context = _ssl_context(settings)
        auth = aiohttp.BasicAuth(*settings.auth) if settings.auth else None
        timeout = aiohttp.ClientTimeout(total=settings.timeout)
        attempt = 0
        async with aiohttp.ClientSession(headers={**JSON_HEADERS, **settings.headers}, auth=auth,
                                         timeout=timeout) as session:
            while True:
                try:
                    async with session.request(method, settings.base_url + path, ssl=ssl_context) as response:
                        status: int | None = response.status
                        text = await response.text()
                except (TimeoutError, aiohttp.ClientError) as error:
                    status, text = None, f"{type(error).__name__}: {error}"
                if status is not None and status < 300:
                    return _body(text)
                _raise_if_final(method, path, status, text, attempt, settings.retries)
                attempt += 1
                await asyncio.sleep(backoff_seconds(attempt, settings.backoff))

    async def get_status(self, name: str) -> dict[str, Any]:
        return dict(await self.request("GET", connector_path(name, "status")))

    async def get_offsets(self, name: str) -> dict[str, Any]:
        return dict(await self.request("GET", connector_path(name, "offsets")))


def _body(text: str) -> Any:
    """The parsed JSON of a successful answer, or None when it has no body."""
    return json.loads(text) if text.strip() else None


def _raise_if_final(method: str, path: str, status: int | None, text: str, attempt: int, retries: int) -> None:
    """Raises the error of a failed call that is not to be retried: not retryable, or out of retries. Both hooks
    decide alike; `status` is None when nothing answered."""
    if not is_retryable(status) or attempt >= retries:
        if status is None:
            raise KafkaConnectUnavailableError(method, path, None, text)
        raise error_for_status(method, path, status, rest_message(text))


def _ssl_context(settings: ConnectSettings) -> ssl.SSLContext | bool:
    if settings.verify is False:
        return False
    context = ssl.create_default_context(cafile=settings.verify if isinstance(settings.verify, str) else None)
    if isinstance(settings.cert, tuple):
        context.load_cert_chain(*settings.cert)
    elif settings.cert:
        context.load_cert_chain(settings.cert)
    return context
