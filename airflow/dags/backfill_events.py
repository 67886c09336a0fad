"""backfill_events: a bounded batch run of the simulator through Kafka Connect, checked in the warehouse."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from _common import KAFKA_CONNECT_CONN_ID, SEGMENT_METRICS, SQL_DIR, WAREHOUSE_CONN_ID
from airflow.providers.common.sql.operators.sql import SQLCheckOperator
from airflow.sdk import DAG, Param, task
from kafka_connect_provider.configs import load_config
from kafka_connect_provider.operators.connect import (
    KafkaConnectDeleteOperator,
    KafkaConnectDeployOperator,
    KafkaConnectResetOffsetsOperator,
    KafkaConnectResumeOperator,
    KafkaConnectStopOperator,
)
from kafka_connect_provider.sensors.connect import (
    BoundedSourceFinishedSensor,
    ConnectorStateSensor,
    WarehouseValueSensor,
)
from kafka_connect_provider.triggers.connect import sql_hook

WINDOW_ADVANCE = timedelta(minutes=15)
#: A small run by default: one task, a few hundred users, every event sent once and well formed, so the
#: warehouse must hold exactly the events the run reports.
DEFAULT_OVERRIDES = {
    "tasks.max": "1",
    "registrations.per.hour": "60",
    "returning.sessions.per.hour": "240",
    "late.fraction": "0",
    "out.of.order.fraction": "0",
    "duplicate.fraction": "0",
    "malformed.fraction": "0",
}

DOC = """
### Backfill events

A bounded run of the simulator (`connector-configs/<config_name>.json` with `clock=backfill` from `start` to
`end`) through Kafka Connect, followed into the warehouse:

1. **plan** checks the params before any call: the range, the config name, the connector's final config.
2. **ensure_sinks / sinks_running**: the JDBC sinks are deployed (idempotent) and RUNNING.
3. **create_stopped** creates the connector STOPPED (or, if a failed run left it, updates it and stops it),
   **reset_offsets** clears its offsets — a rerun under the same name starts over instead of resuming at the
   end and producing nothing — then **resume**, **wait_running**.
4. **wait_finished** (deferrable) waits until every task has committed `watermark.sent`: the run sent its last
   event and the watermark that closes the last windows. Its XCom holds `events_sent`.
5. **wait_windows** (deferrable) waits until the Streams stage's window that starts in the range's last
   15 minutes reaches the warehouse.
6. **check_raw_events**: the raw event tables hold, for the range, exactly the events the run sent (at most
   as many when the run sends duplicates or malformed events). **check_windows**: every closed window of the
   range counts no more registrations than the raw table holds, and exactly as many when the stage counted no
   late events in it (param `exact_windows`, true by default). On success the asset
   `warehouse://segmentation/segment_metrics` is emitted.
7. **stop / reset / delete** are teardown tasks: they run even when a step failed, and the run's state is that
   of the steps above.

Params: `start`, `end` (ISO-8601, UTC), `connector`, `config_name`, `overrides` (config keys over the file's),
`sinks`. Unless `overrides` sets `seed`, the run's seed is the file's plus the hours from 1970 to `start`: the
simulator's event ids follow from the seed alone, and two ranges with one seed would overwrite each other's
raw events (the sinks upsert on `event_id`). Connections: `kafka_connect_default`, `segmentation_warehouse`.
"""


def _instant(text: str, name: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise ValueError(f"param {name} must be an ISO-8601 instant such as 2026-01-01T00:00:00Z, not {text!r}") \
            from error
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def plan_run(start: str, end: str, config_name: str, overrides: dict[str, Any]) -> dict[str, Any]:
    """The run's validated plan: the connector's overrides, the range as SQL timestamps, the last window."""
    begin, finish = _instant(start, "start"), _instant(end, "end")
    if finish <= begin:
        raise ValueError(f"param end ({end}) must be after start ({start})")
    merged = {**DEFAULT_OVERRIDES, **{k: str(v) for k, v in overrides.items()},
              "clock": "backfill", "clock.start": begin.strftime("%Y-%m-%dT%H:%M:%SZ"),
              "clock.end": finish.strftime("%Y-%m-%dT%H:%M:%SZ")}
    config = load_config(config_name, overrides=merged)  # a wrong name fails here, before any REST call
    if "seed" not in overrides:
        # The simulator's event ids follow from its seed alone, not from its clock: two ranges run with one seed
        # would send the same ids, and the raw sinks, which upsert on event_id, would keep only the later range
        # (and the Streams stage would drop it as duplicates). A seed of the range's own keeps ranges apart
        # while a rerun of the same range sends the same events again.
        merged["seed"] = str(int(config.get("seed", "0")) + int(begin.timestamp()) // 3600)
        config["seed"] = merged["seed"]
    last_event = finish - timedelta(milliseconds=1)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    last_window = epoch + ((last_event - epoch) // WINDOW_ADVANCE) * WINDOW_ADVANCE
    exact = all(float(config.get(key, "0")) == 0 for key in ("duplicate.fraction", "malformed.fraction"))
    sql_time = "%Y-%m-%d %H:%M:%S"
    return {"overrides": merged, "start": begin.strftime(sql_time), "end": finish.strftime(sql_time),
            "last_window_start": last_window.strftime(sql_time), "exact": exact}


with DAG(
    dag_id="backfill_events",
    schedule=None,
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,  # two runs of the same connector name would reset each other's offsets
    doc_md=DOC,
    tags=["segmentation", "kafka-connect", "backfill"],
    template_searchpath=[str(SQL_DIR)],
    default_args={"retries": 0},
    params={
        "start": Param("2026-01-01T00:00:00Z", type="string", description="first event time (ISO-8601, UTC)"),
        "end": Param("2026-01-01T03:00:00Z", type="string", description="end of the range, excluded"),
        "connector": Param("backfill-events", type="string", pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
                           description="connector name; a rerun under the same name starts over"),
        "config_name": Param("simulator-backfill", type="string", description="file in connector-configs/"),
        "overrides": Param(DEFAULT_OVERRIDES, type="object", description="config keys over the file's"),
        "exact_windows": Param(True, type="boolean",
                               description="demand exact registration counts in windows without late events"),
        "sinks": Param(["jdbc-sink-raw-events", "jdbc-sink-aggregates"], type="array",
                       description="sink connectors (files in connector-configs/) that must be RUNNING"),
    },
) as dag:

    @task
    def plan(params: dict[str, Any] | None = None) -> dict[str, Any]:
        assert params is not None
        return plan_run(params["start"], params["end"], params["config_name"], params["overrides"])

    run: Any = plan()  # an XComArg; its keys are pulled at run time

    @task
    def sinks(params: dict[str, Any] | None = None) -> list[str]:
        assert params is not None
        return list(params["sinks"])

    sink_names = sinks()
    ensure_sinks = KafkaConnectDeployOperator.partial(
        task_id="ensure_sinks", kafka_connect_conn_id=KAFKA_CONNECT_CONN_ID).expand(connector=sink_names)
    sinks_running = ConnectorStateSensor.partial(
        task_id="sinks_running", kafka_connect_conn_id=KAFKA_CONNECT_CONN_ID, poke_interval=2,
        timeout=300).expand(connector=sink_names)

    name = "{{ params.connector }}"
    create_stopped = KafkaConnectDeployOperator(
        task_id="create_stopped", connector=name, config_name="{{ params.config_name }}",
        overrides=run["overrides"], initial_state="STOPPED", kafka_connect_conn_id=KAFKA_CONNECT_CONN_ID)
    reset_offsets = KafkaConnectResetOffsetsOperator(
        task_id="reset_offsets", connector=name, kafka_connect_conn_id=KAFKA_CONNECT_CONN_ID)
    resume = KafkaConnectResumeOperator(task_id="resume", connector=name, kafka_connect_conn_id=KAFKA_CONNECT_CONN_ID)
    wait_running = ConnectorStateSensor(task_id="wait_running", connector=name, poke_interval=2, timeout=300,
                                        kafka_connect_conn_id=KAFKA_CONNECT_CONN_ID)
    wait_finished = BoundedSourceFinishedSensor(
        task_id="wait_finished", connector=name, poke_interval=2, timeout=1800,
        kafka_connect_conn_id=KAFKA_CONNECT_CONN_ID)
    wait_windows = WarehouseValueSensor(
        task_id="wait_windows", conn_id=WAREHOUSE_CONN_ID, sql="backfill_events/last_window_closed.sql",
        poke_interval=3, timeout=1800)
    @task
    def late_events_table() -> bool:
        """Whether the sink has created segment_late_events: it does so with the first late event only."""
        hook = sql_hook(WAREHOUSE_CONN_ID)
        row = hook.get_first("SELECT COUNT(*) FROM information_schema.tables "
                             "WHERE LOWER(table_name) = 'segment_late_events'")
        return bool(row and row[0])

    has_late_table = late_events_table()
    check_raw_events = SQLCheckOperator(
        task_id="check_raw_events", conn_id=WAREHOUSE_CONN_ID, sql="backfill_events/check_raw_events.sql")
    check_windows = SQLCheckOperator(
        task_id="check_windows", conn_id=WAREHOUSE_CONN_ID, sql="backfill_events/check_windows.sql",
        outlets=[SEGMENT_METRICS])

    stop = KafkaConnectStopOperator(task_id="stop", connector=name, ignore_missing=True,
                                    kafka_connect_conn_id=KAFKA_CONNECT_CONN_ID)
    reset = KafkaConnectResetOffsetsOperator(task_id="reset", connector=name, ignore_missing=True,
                                             kafka_connect_conn_id=KAFKA_CONNECT_CONN_ID)
    delete = KafkaConnectDeleteOperator(task_id="delete", connector=name, kafka_connect_conn_id=KAFKA_CONNECT_CONN_ID)

    ensure_sinks >> sinks_running >> create_stopped
    run >> create_stopped >> reset_offsets >> resume >> wait_running >> wait_finished >> wait_windows
    wait_windows >> has_late_table >> check_raw_events >> check_windows >> stop
    stop.as_teardown(setups=create_stopped) >> reset.as_teardown(setups=create_stopped)
    reset >> delete.as_teardown(setups=create_stopped)
