#!/bin/sh
# Runs once, when the PostgreSQL container initialises its data directory: a database and a user of their own for
# Airflow's metadata, beside the warehouse database (POSTGRES_DB) that the JDBC sinks write.
set -eu
: "${AIRFLOW_DB_PASSWORD:?}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v airflow_password="$AIRFLOW_DB_PASSWORD" <<'SQL'
CREATE USER airflow WITH PASSWORD :'airflow_password';
CREATE DATABASE airflow OWNER airflow;
SQL
