"""What the DAGs of this folder share: connection ids, the asset between them, the SQL folder.

Connections come from Airflow (the UI, ``airflow connections add`` or ``AIRFLOW_CONN_*`` variables), never from
DAG code. The warehouse is a common-SQL connection: PostgreSQL locally, Snowflake in production.
"""
from __future__ import annotations

from pathlib import Path

from airflow.sdk import Asset

KAFKA_CONNECT_CONN_ID = "kafka_connect_default"
WAREHOUSE_CONN_ID = "segmentation_warehouse"
SQL_DIR = Path(__file__).resolve().parent / "sql"

#: Emitted by backfill_events once a range's events and closed windows are in the warehouse and checked;
#: customer_profiles_enrichment is scheduled on it.
SEGMENT_METRICS = Asset("warehouse://segmentation/segment_metrics", group="segmentation")
