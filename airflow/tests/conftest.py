"""Shared fixtures: an Airflow home of the test run's own, and (for the tests marked ``stack``) a real local
stack started by ``./pipeline up`` in a temporary home on free ports, stopped at the end."""
from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
AIRFLOW_DIR = REPO / "airflow"
for folder in (AIRFLOW_DIR / "src", AIRFLOW_DIR / "dags"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

# Before anything imports airflow: its configuration is read once, from this home.
AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="airflow-tests-"))
atexit.register(shutil.rmtree, AIRFLOW_HOME, True)
os.environ.update({
    "AIRFLOW_HOME": str(AIRFLOW_HOME),
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    "AIRFLOW__CORE__DAGS_FOLDER": str(AIRFLOW_DIR / "dags"),
    "AIRFLOW__CORE__PARALLELISM": "4",
    "KAFKA_CONNECT_CONFIG_DIR": str(REPO / "connector-configs"),
})

import psycopg2  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """A migrated SQLite metadata database, for dag.test()."""
    result = subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return AIRFLOW_HOME


@dataclass
class Stack:
    """A running local stack: where it lives, its ports, and direct clients that do not use the provider."""

    home: Path
    ports: dict[str, int]

    @property
    def connect_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['connect']}"

    def connect(self, method: str, path: str, body: object | None = None) -> Any:
        """A Connect REST call made without the hook under test."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.connect_url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{method} {path}: {error.code} {error.read().decode()}") from error
        return json.loads(text) if text else None

    def connector_names(self) -> list[str]:
        return sorted(self.connect("GET", "/connectors"))

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """A warehouse query made without Airflow."""
        with psycopg2.connect(host="127.0.0.1", port=self.ports["postgres"], dbname="segmentation",
                              user="segmentation", password=self.password()) as conn, conn.cursor() as cursor:
            cursor.execute(sql)
            return list(cursor.fetchall()) if cursor.description else []

    def password(self) -> str:
        return (self.home / "secrets" / "postgres-password").read_text().strip()


def pipeline(home: Path, *command: str, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PIPELINE_HOME": str(home), "PIPELINE_PORTS": "auto", **(extra_env or {})}
    if (REPO / "local-stack" / "target" / "stack" / "kafka").is_dir():
        env["PIPELINE_SKIP_BUILD"] = "1"  # `./pipeline test` has just built everything
    return subprocess.run([str(REPO / "pipeline"), *command], env=env, capture_output=True, text=True,
                          timeout=900)


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    reuse = os.environ.get("AIRFLOW_TESTS_STACK_HOME")  # a running stack, to work on the tests quickly
    home = Path(reuse) if reuse else Path(tempfile.mkdtemp(prefix="airflow-stack-"))
    # In the README's order, as SegmentationBackfillIT does: the whole stack, Streams stage included, is up and idle
    # before the first backfill sends anything.
    started = pipeline(home, "up")
    try:
        assert started.returncode == 0, f"./pipeline up failed:\n{started.stdout}{started.stderr}"
        running = Stack(home, json.loads((home / "ports.json").read_text()))
        os.environ["AIRFLOW_CONN_KAFKA_CONNECT_DEFAULT"] = json.dumps(
            {"conn_type": "kafka_connect", "host": running.connect_url,
             "extra": {"retries": 3, "backoff": 0.5}})
        os.environ["AIRFLOW_CONN_SEGMENTATION_WAREHOUSE"] = json.dumps(
            {"conn_type": "postgres", "host": "127.0.0.1", "port": running.ports["postgres"],
             "schema": "segmentation", "login": "segmentation", "password": running.password()})
        yield running
    finally:
        if not reuse:
            pipeline(home, "airflow", "down")
            stopped = pipeline(home, "down")
            print(stopped.stdout, stopped.stderr)
            shutil.rmtree(home, ignore_errors=True)
