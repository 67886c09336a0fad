"""connector_lifecycle: keeps a list of streaming connectors deployed and healthy."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

from _common import KAFKA_CONNECT_CONN_ID
from airflow.sdk import DAG, Param, task
from kafka_connect_provider.configs import config_file
from kafka_connect_provider.operators.connect import KafkaConnectDeployOperator, KafkaConnectRestartOperator
from kafka_connect_provider.sensors.connect import ConnectorStateSensor

DOC = """
### Connector lifecycle

Keeps the streaming connectors named in the `connectors` param deployed and healthy, every 30 minutes or on
demand. Each name is a file of `connector-configs/` and the connector's name.

1. **plan** refuses a name that has no config file, before any REST call.
2. **deploy** (one per connector): `PUT /connectors/<name>/config` when the config differs from the file's,
   nothing when it is the same.
3. **restart_failed**: `POST .../restart?includeTasks=true&onlyFailed=true` — only failed tasks restart; a
   healthy connector is not touched.
4. **wait_healthy** (deferrable, served by the triggerer): the connector and every task RUNNING. A task that
   is still FAILED after its restart fails the run at once, with its trace in the log.
5. **report** logs and returns, per connector, what was done.

Connection: `kafka_connect_default`.
"""

with DAG(
    dag_id="connector_lifecycle",
    schedule="*/30 * * * *",
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    doc_md=DOC,
    tags=["segmentation", "kafka-connect", "lifecycle"],
    default_args={"retries": 0},
    params={
        "connectors": Param(["jdbc-sink-aggregates", "jdbc-sink-raw-events"], type="array",
                            items={"type": "string"}, minItems=1,
                            description="connectors to keep deployed: names of files in connector-configs/"),
    },
) as dag:

    @task
    def plan(params: dict[str, Any] | None = None) -> list[str]:
        assert params is not None
        names = [str(name) for name in params["connectors"]]
        for name in names:
            config_file(name)
        return names

    names = plan()
    deploy = KafkaConnectDeployOperator.partial(
        task_id="deploy", kafka_connect_conn_id=KAFKA_CONNECT_CONN_ID).expand(connector=names)
    restart_failed = KafkaConnectRestartOperator.partial(
        task_id="restart_failed", kafka_connect_conn_id=KAFKA_CONNECT_CONN_ID).expand(connector=names)
    wait_healthy = ConnectorStateSensor.partial(
        task_id="wait_healthy", kafka_connect_conn_id=KAFKA_CONNECT_CONN_ID, poke_interval=2,
        timeout=300).expand(connector=names)

    @task
    def report(deployed: Sequence[dict[str, Any]], restarted: Sequence[dict[str, Any] | None]) -> list[str]:
        lines = []
        for outcome, restart in zip(deployed, restarted, strict=True):
            tasks = [t["id"] for t in (restart or {}).get("tasks", []) if t.get("state") == "RESTARTING"]
            lines.append(f"{outcome['connector']}: {outcome['action']}, "
                         f"restarted tasks {tasks or 'none'}, RUNNING")
        for line in lines:
            print(line)
        return lines

    deploy >> restart_failed >> wait_healthy >> report(cast(Any, deploy.output), cast(Any, restart_failed.output))
