"""The errors of the provider: each says which call failed and carries the Connect REST API's own message."""
from __future__ import annotations

from airflow.sdk.exceptions import AirflowException


class KafkaConnectError(AirflowException):
    """A Connect REST call failed; ``status`` is the HTTP status (None when no answer came)."""

    def __init__(self, method: str, path: str, status: int | None, message: str):
        self.method = method
        self.path = path
        self.status = status
        self.message = message
        answered = f"answered {status}" if status is not None else "got no answer"
        super().__init__(f"{method} {path} {answered}: {message}")


class ConnectorNotFoundError(KafkaConnectError):
    """404: the worker knows no connector of that name."""


class ConnectorConfigError(KafkaConnectError):
    """400: the worker refused the configuration (its message names the key)."""


class ConnectorConflictError(KafkaConnectError):
    """409 that outlived the retries: the group kept rebalancing, or the connector is not in the state the call
    needs (offsets can only be altered or reset while it is STOPPED)."""


class KafkaConnectUnavailableError(KafkaConnectError):
    """5xx or no connection, after every retry."""


class ConnectorFailedError(AirflowException):
    """The connector or one of its tasks is FAILED; the message holds the worker's trace."""

    def __init__(self, connector: str, part: str, trace: str):
        self.connector = connector
        self.part = part
        self.trace = trace
        super().__init__(f"Connector {connector}: {part} is FAILED.\n{trace}")


class ConnectorConfigFileError(AirflowException):
    """A connector config name that names no JSON file in the config folder; raised before any REST call."""


def error_for_status(method: str, path: str, status: int, message: str) -> KafkaConnectError:
    """The specific exception for an HTTP error status."""
    if status == 404:
        return ConnectorNotFoundError(method, path, status, message)
    if status == 409:
        return ConnectorConflictError(method, path, status, message)
    if status >= 500:
        return KafkaConnectUnavailableError(method, path, status, message)
    if status in (400, 422):
        return ConnectorConfigError(method, path, status, message)
    return KafkaConnectError(method, path, status, message)


def rest_message(body: str) -> str:
    """The ``message`` of Connect's JSON error body, or the body itself when it is not one."""
    import json

    try:
        parsed = json.loads(body)
    except ValueError:
        return body.strip()[:2000]
    if isinstance(parsed, dict) and isinstance(parsed.get("message"), str):
        return str(parsed["message"])
    return body.strip()[:2000]
