"""The batch DAGs end to end with dag.test() on the real stack, asserting the warehouse's tables."""
from __future__ import annotations

import csv
import importlib
from pathlib import Path
from typing import Any

import pytest

from conftest import Stack

BACKFILL = {"start": "2026-04-01T00:00:00Z", "end": "2026-04-01T03:00:00Z", "connector": "backfill-test"}
RAW_TABLES = ("raw_user_registration", "raw_sign_in", "raw_sign_out", "raw_item_view", "raw_add_to_cart",
              "raw_check_out")
IN_RANGE = "event_time >= TIMESTAMP '2026-04-01 00:00:00' AND event_time < TIMESTAMP '2026-04-01 03:00:00'"


def dag(name: str) -> Any:
    return importlib.import_module(name).dag


def task_states(run: Any) -> dict[str, str]:
    return {ti.task_id + (f"[{ti.map_index}]" if ti.map_index >= 0 else ""): str(ti.state)
            for ti in run.get_task_instances()}


def xcom(run: Any, task_id: str) -> Any:
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        row = session.scalars(XComModel.get_many(run_id=run.run_id, dag_ids=run.dag_id, task_ids=task_id,
                                                 key="return_value")).first()
        assert row is not None, f"no XCom of {task_id}"
        return XComModel.deserialize_value(row)


def warehouse_snapshot(stack: Stack) -> dict[str, Any]:
    """The rows a backfill of the range leaves: raw events by id, closed windows without their emission time."""
    snapshot: dict[str, Any] = {
        table: stack.query(f"SELECT event_id FROM {table} WHERE {IN_RANGE} ORDER BY event_id")
        for table in RAW_TABLES}
    snapshot["segment_registrations"] = stack.query(
        "SELECT age_band, preferred_language, email_domain, window_start, registrations FROM segment_registrations "
        "WHERE window_start >= TIMESTAMP '2026-03-31 23:00:00' AND window_start < TIMESTAMP '2026-04-01 03:00:00' "
        "ORDER BY 1, 2, 3, 4")
    return snapshot


@pytest.fixture(scope="module")
def first_backfill(stack: Stack, airflow_db: Path) -> dict[str, Any]:
    run = dag("backfill_events").test(run_conf=BACKFILL)
    states = task_states(run)
    assert str(run.state) == "success", states
    return {"run": run, "sent": xcom(run, "wait_finished")["events_sent"], "rows": warehouse_snapshot(stack)}


def test_backfill_events_loads_exactly_the_events_it_sent(stack: Stack, first_backfill: dict[str, Any]) -> None:
    rows = first_backfill["rows"]
    stored = sum(len(rows[table]) for table in RAW_TABLES)
    assert first_backfill["sent"] > 1000
    assert stored == first_backfill["sent"]
    assert rows["segment_registrations"], "no closed windows reached the warehouse"
    assert "backfill-test" not in stack.connector_names()  # the clean-up ran
    assert task_states(first_backfill["run"])["check_windows"] == "success"
    # The run's last window (02:45-03:45) is in, and no window counts more registrations than were sent.
    last = stack.query("SELECT registrations FROM segment_registrations WHERE age_band = 'all' "
                       "AND preferred_language = 'all' AND email_domain = 'all' "
                       "AND window_start = TIMESTAMP '2026-04-01 02:45:00'")
    assert len(last) == 1 and 0 < last[0][0] <= len(rows["raw_user_registration"])


def test_a_rerun_under_the_same_name_starts_over_and_writes_the_same_rows(
        stack: Stack, first_backfill: dict[str, Any]) -> None:
    run = dag("backfill_events").test(run_conf=BACKFILL)
    assert str(run.state) == "success", task_states(run)
    # Offsets were reset: the run sent everything again rather than resuming at its end with nothing to send.
    assert xcom(run, "wait_finished")["events_sent"] == first_backfill["sent"]
    assert warehouse_snapshot(stack) == first_backfill["rows"]
    assert "backfill-test" not in stack.connector_names()


def test_the_clean_up_runs_when_a_step_fails(stack: Stack, airflow_db: Path) -> None:
    # A config whose task fails at its first record: wait_finished fails at once with the trace, and the
    # teardown still stops, resets and deletes the connector.
    conf = {**BACKFILL, "connector": "backfill-failing",
            "overrides": {"tasks.max": "1", "value.converter.auto.register.schemas": "false",
                          **{f"topic.{key}": f"failing_{key.replace('.', '_')}"
                             for key in ("registration", "sign.in", "sign.out", "item.view", "add.to.cart",
                                         "check.out")}}}
    run = dag("backfill_events").test(run_conf=conf)
    states = task_states(run)
    assert str(run.state) == "failed", states
    assert states["wait_finished"] == "failed" or states["wait_running"] == "failed", states
    assert states["check_raw_events"] == "upstream_failed"
    assert states["stop"] == states["reset"] == states["delete"] == "success", states
    assert "backfill-failing" not in stack.connector_names()


def test_customer_profiles_enrichment_builds_a_checked_segment_summary(
        stack: Stack, first_backfill: dict[str, Any]) -> None:
    run = dag("customer_profiles_enrichment").test(run_conf={"seed": 7, "customers": 500})
    assert str(run.state) == "success", task_states(run)
    assert stack.query("SELECT COUNT(*), COUNT(DISTINCT customer_id) FROM customer_profiles") == [(500, 500)]
    funnel = stack.query("SELECT COUNT(*) FROM segment_funnel WHERE age_band <> 'all'")[0][0]
    summary = stack.query("SELECT COUNT(*), MIN(customer_share), MAX(customer_share), SUM(customers) "
                          "FROM segment_summary")[0]
    assert summary[0] == funnel > 0
    assert 0 <= summary[1] <= summary[2] <= 1
    # Spot check against an independent computation: one segment's customers and one window's buyers.
    segment = stack.query("SELECT age_band, preferred_language, email_domain, window_start, customers, buyers "
                          "FROM segment_summary ORDER BY buyers DESC, window_start LIMIT 1")[0]
    customers = stack.query(
        f"SELECT COUNT(*) FROM customer_profiles WHERE age_band = '{segment[0]}' "
        f"AND preferred_language = '{segment[1]}' AND email_domain = '{segment[2]}'")[0][0]
    buyers = stack.query(
        f"SELECT buyers FROM segment_funnel WHERE age_band = '{segment[0]}' AND preferred_language = '{segment[1]}' "
        f"AND email_domain = '{segment[2]}' AND window_start = TIMESTAMP '{segment[3]}'")[0][0]
    assert (segment[4], segment[5]) == (customers, buyers)


def test_a_data_quality_violation_fails_the_run(stack: Stack, first_backfill: dict[str, Any],
                                                 tmp_path: Path) -> None:
    profiles = tmp_path / "profiles.csv"
    with profiles.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["customer_id", "age_band", "preferred_language", "email_domain", "lifetime_value_cents"])
        writer.writerow(["c-1", "25-34", "en", "gmail.com", "1200"])
        writer.writerow(["c-1", "35-44", "de", "outlook.com", "900"])  # the same customer twice
    run = dag("customer_profiles_enrichment").test(run_conf={"profiles_file": str(profiles)})
    states = task_states(run)
    assert str(run.state) == "failed", states
    assert states["check_profiles_one_row_per_customer"] == "failed"
    assert states["check_profile_columns"] == "success"
    assert stack.query("SELECT COUNT(*) FROM customer_profiles") == [(2,)]
