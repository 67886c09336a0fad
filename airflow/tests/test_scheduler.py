"""A DAG run through a real scheduler: `./pipeline airflow up` starts Airflow beside the stack, the test triggers
connector_lifecycle through Airflow's REST API, and the run's deferrable sensor is served by the real triggerer."""
from __future__ import annotations

import json
import stat
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import Stack, pipeline

DAG_ID = "connector_lifecycle"
PAUSED = "jdbc-sink-raw-events"


class Api:
    def __init__(self, url: str):
        self.url = url
        self.token = ""

    def call(self, method: str, path: str, body: object | None = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read().decode()
                return response.status, json.loads(text) if text else None
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def until(check: Any, timeout_s: float, what: str) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(2)
    raise AssertionError(f"{what} did not happen in {timeout_s:.0f} s")


@pytest.fixture(scope="module")
def airflow(stack: Stack) -> Iterator[Api]:
    # The suite's own venv holds the same lock file; installing it again would only cost time.
    started = pipeline(stack.home, "airflow", "up", extra_env={"PIPELINE_AIRFLOW_VENV": sys.prefix})
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        port = json.loads((stack.home / "airflow" / "port.json").read_text())["port"]
        yield Api(f"http://127.0.0.1:{port}")
    finally:
        stopped = pipeline(stack.home, "airflow", "down")
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr
        status = pipeline(stack.home, "airflow", "status")
        assert status.returncode == 1 and " stopped " in status.stdout, status.stdout


def test_a_run_triggered_through_the_rest_api_succeeds_with_the_real_triggerer(stack: Stack, airflow: Api) -> None:
    secret = stack.home / "secrets" / "airflow-admin-password"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    password = secret.read_text().strip()
    assert len(password) >= 20

    status, _ = airflow.call("POST", "/auth/token", {"username": "admin", "password": "redacted"})
    assert status == 401
    status, token = airflow.call("POST", "/auth/token", {"username": "admin", "password": password})
    assert status in (200, 201), token
    airflow.token = token["access_token"]

    status, connections = airflow.call("GET", "/api/v2/connections")
    assert status == 200
    assert {c["connection_id"] for c in connections["connections"]} == {"kafka_connect_default",
                                                                         "segmentation_warehouse"}
    until(lambda: airflow.call("GET", f"/api/v2/dags/{DAG_ID}")[0] == 200, 120, "parsing the DAGs")
    status, errors = airflow.call("GET", "/api/v2/importErrors")
    assert status == 200 and errors["total_entries"] == 0, errors

    # Unpausing makes the scheduler start the latest scheduled run; let it end first, so that it does not
    # deploy the connector the triggered run is to create.
    status, _ = airflow.call("PATCH", f"/api/v2/dags/{DAG_ID}", {"is_paused": False})
    assert status == 200

    def scheduled_run_over() -> bool:
        runs = airflow.call("GET", f"/api/v2/dags/{DAG_ID}/dagRuns")[1]["dag_runs"]
        scheduled = [r for r in runs if r["run_type"] == "scheduled"]
        return bool(scheduled) and all(r["state"] in ("success", "failed") for r in scheduled)

    until(scheduled_run_over, 300, "the scheduled run's end")

    # A paused connector: the run's sensor finds it not RUNNING and defers; only once it is resumed can the
    # trigger, in the triggerer, end the wait.
    stack.connect("PUT", f"/connectors/{PAUSED}/pause")
    until(lambda: stack.connect("GET", f"/connectors/{PAUSED}/status")["tasks"][0]["state"] == "PAUSED", 60,
          "the pause")
    status, run = airflow.call("POST", f"/api/v2/dags/{DAG_ID}/dagRuns",
                               {"logical_date": None, "conf": {"connectors": [PAUSED]}})
    assert status == 200, run
    run_path = f"/api/v2/dags/{DAG_ID}/dagRuns/{run['dag_run_id']}"
    sensor = f"{run_path}/taskInstances/wait_healthy/0"

    def sensor_state() -> str | None:
        answer = airflow.call("GET", sensor)[1]
        return answer.get("state") if isinstance(answer, dict) else None  # 404 until the task is expanded

    until(lambda: sensor_state() == "deferred", 240, "the sensor's deferral")
    time.sleep(5)  # deferred, it stays so: the trigger polls a PAUSED connector
    assert sensor_state() == "deferred"
    stack.connect("PUT", f"/connectors/{PAUSED}/resume")

    def ended() -> dict[str, Any] | None:
        current = airflow.call("GET", run_path)[1]
        return current if current["state"] in ("success", "failed") else None

    final = until(ended, 300, "the run's end")
    status, instances = airflow.call("GET", f"{run_path}/taskInstances")
    states = {(ti["task_id"], ti["map_index"]): ti["state"] for ti in instances["task_instances"]}
    assert final["state"] == "success", states
    assert states[("wait_healthy", 0)] == "success"

    status, report = airflow.call("GET", f"{run_path}/taskInstances/report/xcomEntries/return_value")
    assert status == 200, report
    assert report["value"] == [f"{PAUSED}: unchanged, restarted tasks none, RUNNING"]
    state = stack.connect("GET", f"/connectors/{PAUSED}/status")
    assert state["connector"]["state"] == "RUNNING" and [t["state"] for t in state["tasks"]] == ["RUNNING"]
