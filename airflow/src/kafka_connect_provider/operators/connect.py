"""Operators for each lifecycle step of a Kafka Connect 4.x connector; each is one or two hook calls.

Every operator returns what the worker answered (to XCom), so a DAG can report what it did.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from airflow.sdk import BaseOperator, Context

from kafka_connect_provider.configs import config_file, load_config
from kafka_connect_provider.exceptions import ConnectorNotFoundError
from kafka_connect_provider.hooks.connect import KafkaConnectHook

INITIAL_STATES = ("RUNNING", "PAUSED", "STOPPED")


class KafkaConnectBaseOperator(BaseOperator):
    """Holds the connector's name and the connection; subclasses make the call."""

    template_fields: Sequence[str] = ("connector",)

    def __init__(self, *, connector: str, kafka_connect_conn_id: str = KafkaConnectHook.default_conn_name,
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.connector = connector
        self.kafka_connect_conn_id = kafka_connect_conn_id

    @property
    def hook(self) -> KafkaConnectHook:
        return KafkaConnectHook(self.kafka_connect_conn_id)


class KafkaConnectDeployOperator(KafkaConnectBaseOperator):
    """Creates or updates a connector from ``connector-configs/<config_name>.json`` (plus ``overrides``).

    Without ``initial_state``: ``PUT .../config``, idempotent. With it, a connector that does not exist yet is
    created by ``POST /connectors`` in that state (KIP-980: STOPPED creates it without starting a task, so its
    offsets can be reset first); one that exists gets its config PUT and is then brought to that state.
    The config name is checked at parse time when it is literal, and always before the first REST call.
    """

    template_fields: Sequence[str] = ("connector", "config_name", "overrides", "initial_state")

    def __init__(self, *, config_name: str | None = None, config_dir: str | None = None,
                 overrides: Mapping[str, Any] | None = None, initial_state: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.config_name = config_name or self.connector
        self.config_dir = config_dir
        self.overrides = {} if overrides is None else overrides  # a mapping, or an XComArg resolved at run time
        self.initial_state = initial_state
        if "{{" not in self.config_name:
            config_file(self.config_name, config_dir)  # a typo fails the DAG's import, not a run
        if initial_state and "{{" not in initial_state and initial_state not in INITIAL_STATES:
            raise ValueError(f"initial_state must be one of {INITIAL_STATES}, not {initial_state!r}")

    def execute(self, context: Context) -> dict[str, Any]:
        config = load_config(self.config_name, self.config_dir, dict(self.overrides))
        hook = self.hook
        existed = hook.exists(self.connector)
        if self.initial_state and not existed:
            hook.create(self.connector, config, self.initial_state)
            self.log.info("Created %s in state %s from %s", self.connector, self.initial_state, self.config_name)
            return {"connector": self.connector, "action": "created", "state": self.initial_state}
        if existed and hook.get_config(self.connector) == {**config, "name": self.connector}:
            action = "unchanged"
        else:
            hook.put_config(self.connector, config)
            action = "updated" if existed else "created"
        if self.initial_state == "STOPPED":
            hook.stop(self.connector)
        elif self.initial_state == "PAUSED":
            hook.pause(self.connector)
        elif self.initial_state == "RUNNING":
            hook.resume(self.connector)
        self.log.info("%s %s from %s", action.capitalize(), self.connector, self.config_name)
        return {"connector": self.connector, "action": action, "state": self.initial_state or "unchanged"}


class KafkaConnectPatchConfigOperator(KafkaConnectBaseOperator):
    """Changes some keys of a running connector's config (``PATCH .../config``); a None value removes a key."""

    template_fields: Sequence[str] = ("connector", "patch")

    def __init__(self, *, patch: Mapping[str, Any], **kwargs: Any):
        super().__init__(**kwargs)
        self.patch = patch

    def execute(self, context: Context) -> dict[str, Any]:
        patch = {key: None if value is None else str(value) for key, value in self.patch.items()}
        return self.hook.patch_config(self.connector, patch)


class KafkaConnectPauseOperator(KafkaConnectBaseOperator):
    """``PUT .../pause``: tasks stop polling but keep their place in the group."""

    def execute(self, context: Context) -> None:
        self.hook.pause(self.connector)


class KafkaConnectResumeOperator(KafkaConnectBaseOperator):
    """``PUT .../resume``: from PAUSED or STOPPED back to RUNNING."""

    def execute(self, context: Context) -> None:
        self.hook.resume(self.connector)


class KafkaConnectStopOperator(KafkaConnectBaseOperator):
    """``PUT .../stop``: shuts the tasks down (required before altering or resetting offsets).

    ``ignore_missing`` makes it a no-op for a connector that does not exist, as a clean-up step wants."""

    def __init__(self, *, ignore_missing: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.ignore_missing = ignore_missing

    def execute(self, context: Context) -> bool:
        try:
            self.hook.stop(self.connector)
        except ConnectorNotFoundError:
            if not self.ignore_missing:
                raise
            return False
        return True


class KafkaConnectRestartOperator(KafkaConnectBaseOperator):
    """``POST .../restart``; by default only the failed tasks (``includeTasks=true&onlyFailed=true``)."""

    def __init__(self, *, include_tasks: bool = True, only_failed: bool = True, **kwargs: Any):
        super().__init__(**kwargs)
        self.include_tasks = include_tasks
        self.only_failed = only_failed

    def execute(self, context: Context) -> dict[str, Any] | None:
        answer = self.hook.restart(self.connector, self.include_tasks, self.only_failed)
        restarting = [t["id"] for t in (answer or {}).get("tasks", []) if t.get("state") == "RESTARTING"]
        self.log.info("Restart of %s: tasks %s restarting", self.connector, restarting or "none")
        return answer


class KafkaConnectGetOffsetsOperator(KafkaConnectBaseOperator):
    """``GET .../offsets``: the connector's committed offsets, to XCom."""

    def execute(self, context: Context) -> dict[str, Any]:
        return self.hook.get_offsets(self.connector)


class KafkaConnectAlterOffsetsOperator(KafkaConnectBaseOperator):
    """``PATCH .../offsets`` (KIP-875) with a list of ``{"partition": ..., "offset": ...}``; needs STOPPED."""

    template_fields: Sequence[str] = ("connector", "offsets")

    def __init__(self, *, offsets: Sequence[Mapping[str, Any]], **kwargs: Any):
        super().__init__(**kwargs)
        self.offsets = offsets

    def execute(self, context: Context) -> dict[str, Any]:
        return self.hook.alter_offsets(self.connector, list(self.offsets))


class KafkaConnectResetOffsetsOperator(KafkaConnectBaseOperator):
    """``DELETE .../offsets`` (KIP-875): the next start begins from nothing; needs STOPPED."""

    def __init__(self, *, ignore_missing: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.ignore_missing = ignore_missing

    def execute(self, context: Context) -> dict[str, Any] | None:
        try:
            return self.hook.reset_offsets(self.connector)
        except ConnectorNotFoundError:
            if not self.ignore_missing:
                raise
            return None


class KafkaConnectDeleteOperator(KafkaConnectBaseOperator):
    """``DELETE /connectors/{name}``; with ``ignore_missing`` (default) a missing connector is not an error."""

    def __init__(self, *, ignore_missing: bool = True, **kwargs: Any):
        super().__init__(**kwargs)
        self.ignore_missing = ignore_missing

    def execute(self, context: Context) -> bool:
        try:
            self.hook.delete(self.connector)
        except ConnectorNotFoundError:
            if not self.ignore_missing:
                raise
            return False
        return True
