"""customer_profiles_enrichment: the batch ETL of the original system, on the warehouse's segment metrics."""
from __future__ import annotations

import csv
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _common import SEGMENT_METRICS, SQL_DIR, WAREHOUSE_CONN_ID
from airflow.providers.common.sql.operators.sql import (
    SQLCheckOperator,
    SQLColumnCheckOperator,
    SQLExecuteQueryOperator,
    SQLTableCheckOperator,
)
from airflow.sdk import DAG, Param, task
from kafka_connect_provider.triggers.connect import sql_hook

PROFILE_FIELDS = ("customer_id", "age_band", "preferred_language", "email_domain", "lifetime_value_cents")
# The simulator's default segment distributions (users.age.bands, users.languages, users.email.domains), so
# generated customers fall in the segments the metrics are keyed by, in the same proportions.
AGE_BANDS = {"18-24": 22, "25-34": 34, "35-44": 20, "45-54": 12, "55-64": 8, "65-80": 4}
LANGUAGES = {"en": 45, "es": 20, "de": 12, "fr": 10, "pt": 8, "ja": 5}
EMAIL_DOMAINS = {"gmail.com": 42, "outlook.com": 18, "yahoo.com": 12, "icloud.com": 10, "proton.me": 5,
                 "corp.example": 13}

DOC = """
### Customer profiles enrichment

Runs after each `backfill_events` (scheduled on the asset `warehouse://segmentation/segment_metrics`), or on
demand:

1. **create_tables** — `customer_profiles` and `segment_summary`, if missing.
2. **load_profiles** — replaces `customer_profiles` with the CSV file named by `profiles_file`
   (columns `customer_id,age_band,preferred_language,email_domain,lifetime_value_cents`), or, when it is
   empty, with `customers` profiles generated from `seed` by the simulator's default segment distributions.
3. **enrich** — rebuilds `segment_summary`: per closed window and segment, the funnel, registrations and revenue
   of the Streams stage, with the segment's customers, their share of all customers and revenue per customer.
4. **Data-quality checks** (Airflow's SQL check operators; any violation fails the run): rows present, no null
   keys, one row per customer and per window key, customer shares within 0..1, no negative rate (the stage's
   `view_to_check_out_rate` may exceed 1 in a window: its buyers may have viewed in an earlier one).

Connection: `segmentation_warehouse` (PostgreSQL locally, Snowflake in production; see airflow/README.md).
"""


def generated_profiles(seed: int, customers: int) -> list[tuple[Any, ...]]:
    """``customers`` deterministic profiles: the same seed gives the same rows."""
    rng = random.Random(seed)

    def pick(weights: dict[str, int]) -> str:
        return rng.choices(list(weights), weights=list(weights.values()))[0]

    return [(f"customer-{n:06d}", pick(AGE_BANDS), pick(LANGUAGES), pick(EMAIL_DOMAINS),
             int(rng.lognormvariate(9, 1))) for n in range(customers)]


def file_profiles(path: str) -> list[tuple[Any, ...]]:
    """Rows of a profiles CSV with a header; missing columns are an error naming them."""
    with Path(path).open(newline="") as file:
        reader = csv.DictReader(file)
        missing = set(PROFILE_FIELDS) - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path} lacks the columns {sorted(missing)}; it needs {', '.join(PROFILE_FIELDS)}")
        return [(row["customer_id"] or None, row["age_band"], row["preferred_language"], row["email_domain"],
                 int(row["lifetime_value_cents"] or 0)) for row in reader]


with DAG(
    dag_id="customer_profiles_enrichment",
    schedule=[SEGMENT_METRICS],
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    doc_md=DOC,
    tags=["segmentation", "warehouse", "data-quality"],
    template_searchpath=[str(SQL_DIR)],
    default_args={"retries": 0},
    params={
        "profiles_file": Param("", type="string", description="CSV of profiles; empty generates them"),
        "seed": Param(7, type="integer", description="seed of generated profiles"),
        "customers": Param(1000, type="integer", minimum=1, maximum=10_000_000,
                           description="how many profiles to generate"),
    },
) as dag:
    create_tables = SQLExecuteQueryOperator(
        task_id="create_tables", conn_id=WAREHOUSE_CONN_ID, sql="customer_profiles_enrichment/create_tables.sql",
        split_statements=True)

    @task
    def load_profiles(params: dict[str, Any] | None = None) -> int:
        assert params is not None
        rows = (file_profiles(params["profiles_file"]) if params["profiles_file"]
                else generated_profiles(int(params["seed"]), int(params["customers"])))
        hook = sql_hook(WAREHOUSE_CONN_ID)
        hook.run("DELETE FROM customer_profiles")
        hook.insert_rows("customer_profiles", rows, target_fields=list(PROFILE_FIELDS), commit_every=5000)
        print(f"Loaded {len(rows)} customer profiles")
        return len(rows)

    enrich = SQLExecuteQueryOperator(
        task_id="enrich", conn_id=WAREHOUSE_CONN_ID, sql="customer_profiles_enrichment/enrich_segment_summary.sql",
        split_statements=True)

    summary_present = SQLTableCheckOperator(
        task_id="check_summary_rows", conn_id=WAREHOUSE_CONN_ID, table="segment_summary",
        checks={"rows_present": {"check_statement": "COUNT(*) > 0"}})
    summary_columns = SQLColumnCheckOperator(
        task_id="check_summary_columns", conn_id=WAREHOUSE_CONN_ID, table="segment_summary",
        column_mapping={
            "window_start": {"null_check": {"equal_to": 0}},
            "age_band": {"null_check": {"equal_to": 0}},
            "preferred_language": {"null_check": {"equal_to": 0}},
            "email_domain": {"null_check": {"equal_to": 0}},
            # Not at most 1: a window's buyers may have viewed their items in an earlier window.
            "view_to_check_out_rate": {"min": {"geq_to": 0}},
            "customer_share": {"null_check": {"equal_to": 0}, "min": {"geq_to": 0}, "max": {"leq_to": 1}},
        })
    summary_keys = SQLCheckOperator(
        task_id="check_summary_one_row_per_key", conn_id=WAREHOUSE_CONN_ID,
        sql="customer_profiles_enrichment/check_summary_keys.sql")
    profile_columns = SQLColumnCheckOperator(
        task_id="check_profile_columns", conn_id=WAREHOUSE_CONN_ID, table="customer_profiles",
        column_mapping={"customer_id": {"null_check": {"equal_to": 0}},
                        "lifetime_value_cents": {"min": {"geq_to": 0}}})
    profile_keys = SQLCheckOperator(
        task_id="check_profiles_one_row_per_customer", conn_id=WAREHOUSE_CONN_ID,
        sql="customer_profiles_enrichment/check_profile_keys.sql")

    loaded = load_profiles()
    create_tables >> loaded >> enrich
    loaded >> [profile_columns, profile_keys]
    enrich >> [summary_present, summary_columns, summary_keys]
