"""`./pipeline airflow up|down|status`: Airflow 3 beside the local stack, from PyPI into a venv under its home.

``up`` installs ``airflow/requirements.lock`` into ``<home>/airflow/venv`` (again only when the lock file
changed), migrates the metadata database (SQLite), generates the admin password into
``<home>/secrets/airflow-admin-password``, imports the connections ``kafka_connect_default`` and
``segmentation_warehouse`` for the stack's ports, and starts ``airflow standalone`` (API server, scheduler,
DAG processor, triggerer; LocalExecutor) bound to 127.0.0.1 on port 18080 (``PIPELINE_AIRFLOW_PORT``, or a free
one with ``PIPELINE_PORTS=auto``), with the DAGs of ``airflow/dags``. ``PIPELINE_AIRFLOW_VENV`` names an
existing venv to use instead (the tests pass their own).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import settings as stack_settings
from errors import StackError
from processes import ManagedProcess, http_ok, wait_until
from settings import REPO

LOCK_FILE = REPO / "airflow" / "requirements.lock"
DAGS = REPO / "airflow" / "dags"
PROVIDER = REPO / "airflow" / "src"
DEFAULT_PORT = 18080
ADMIN = "admin"
START_TIMEOUT_S = 240.0


class AirflowStack:
    """The Airflow of one local stack: its venv, home, port, password and process."""

    def __init__(self, settings: stack_settings.Settings):
        self.settings = settings
        self.home = settings.home / "airflow"
        self.venv = Path(os.environ.get("PIPELINE_AIRFLOW_VENV", str(self.home / "venv")))
        self.process = ManagedProcess("airflow", settings.run, settings.logs)

    @property
    def port(self) -> int:
        saved = self.home / "port.json"
        if saved.exists():
            return int(json.loads(saved.read_text())["port"])
        override = os.environ.get("PIPELINE_AIRFLOW_PORT")
        if override:
            port = int(override)
        elif os.environ.get("PIPELINE_PORTS", "") == "auto":
            port = stack_settings.free_port()
        else:
            port = DEFAULT_PORT
        self.home.mkdir(parents=True, exist_ok=True)
        saved.write_text(json.dumps({"port": port}))
        return port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def admin_password(self) -> str:
        """Generated once per home, kept in the stack's secrets folder; Airflow reads it from a JSON file there."""
        path = self.settings.home / "secrets" / "airflow-admin-password"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(18))
            path.chmod(0o600)
        password = path.read_text().strip()
        users = self.settings.home / "secrets" / "airflow-passwords.json"
        users.write_text(json.dumps({ADMIN: password}))
        users.chmod(0o600)
        return password

    def env(self) -> dict[str, str]:
        port = self.port
        return {
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(port),
            "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{port}",
            # Tasks talk to the API server over HTTP; off port 8080 they must be told where it is.
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN}:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE":
                str(self.settings.home / "secrets" / "airflow-passwords.json"),
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "10",
            "AIRFLOW__SCHEDULER__STANDALONE_DAG_PROCESSOR": "True",
            # `airflow standalone` starts its parts as `airflow ...` from the PATH.
            "PATH": os.pathsep.join([str(self.venv / "bin"), os.environ.get("PATH", "")]),
            "PYTHONPATH": os.pathsep.join([str(PROVIDER), *filter(None, [os.environ.get("PYTHONPATH")])]),
            "KAFKA_CONNECT_CONFIG_DIR": str(REPO / "connector-configs"),
        }

    def airflow(self) -> str:
        return str(self.venv / "bin" / "airflow")

    def install(self, say: Callable[[str], None]) -> None:
        """Creates the venv and installs the lock file into it, unless it holds that very lock file already."""
        if "PIPELINE_AIRFLOW_VENV" in os.environ:  # a venv of the caller's, with the lock file installed
            if not Path(self.airflow()).exists():
                raise StackError(f"PIPELINE_AIRFLOW_VENV={self.venv} has no bin/airflow")
            return
        python = self.venv / "bin" / "python"
        stamp = self.venv / "requirements.sha256"
        wanted = hashlib.sha256(LOCK_FILE.read_bytes()).hexdigest()
        if python.exists() and stamp.exists() and stamp.read_text() == wanted:
            return
        say(f"Installing Airflow into {self.venv} (about 2 minutes the first time) ...")
        _run([sys.executable, "-m", "venv", "--clear", str(self.venv)], "create the Airflow venv")
        _run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r", str(LOCK_FILE)],
             f"install {LOCK_FILE.relative_to(REPO)}")
        stamp.write_text(wanted)

    def connections(self) -> dict[str, dict[str, object]]:
        settings = self.settings
        return {
            "kafka_connect_default": {"conn_type": "kafka_connect", "host": settings.connect_url,
                                      "extra": json.dumps({"timeout": 30, "retries": 5, "backoff": 1})},
            "segmentation_warehouse": {"conn_type": "postgres", "host": "127.0.0.1",
                                       "port": settings.ports["postgres"],
                                       "schema": stack_settings.POSTGRES_DATABASE,
                                       "login": stack_settings.POSTGRES_USER,
                                       "password": settings.postgres_password()},
        }

    def prepare(self, say: Callable[[str], None]) -> None:
        """Metadata database, admin password and connections; safe to repeat."""
        env = {**os.environ, **self.env()}
        self.admin_password()
        say("  airflow   migrating its metadata database ...")
        _run([self.airflow(), "db", "migrate"], "migrate Airflow's database", env=env, quiet=True)
        path = self.settings.home / "secrets" / "airflow-connections.json"
        path.write_text(json.dumps(self.connections(), indent=2))
        path.chmod(0o600)
        _run([self.airflow(), "connections", "import", "--overwrite", str(path)], "import the connections",
             env=env, quiet=True)

    def ready(self) -> bool:
        """Healthy as Airflow itself says: database, scheduler, triggerer and DAG processor."""
        if not http_ok(f"{self.url}/api/v2/monitor/health"):
            return False
        try:
            with urllib.request.urlopen(f"{self.url}/api/v2/monitor/health", timeout=5) as response:
                health = json.loads(response.read())
        except (OSError, ValueError):
            return False
        parts = ("metadatabase", "scheduler", "triggerer", "dag_processor")
        return all((health.get(part) or {}).get("status") == "healthy" for part in parts)

    def up(self, say: Callable[[str], None]) -> None:
        if not (self.settings.home / "ports.json").exists():
            raise StackError("No local stack in this home: run `./pipeline up` first.")
        if self.process.pid() is not None and self.ready():
            say(f"  airflow   already running  {self.url}")
            return
        self.install(say)
        self.prepare(say)
        say("  airflow   starting ...")
        self.process.start([self.airflow(), "standalone"], env=self.env(), cwd=self.home)
        if not wait_until(lambda: self.ready() or self.process.pid() is None, START_TIMEOUT_S, interval_s=1):
            raise StackError(f"Airflow did not become healthy in {START_TIMEOUT_S:.0f} s; see "
                             f"{self.process.log_file}\n{self.process.log_tail()}")
        if self.process.pid() is None:
            raise StackError(f"Airflow exited during start-up; see {self.process.log_file}\n"
                             f"{self.process.log_tail()}")
        say(f"  airflow   ready  {self.url}  (user {ADMIN}, password in "
            f"{self.settings.home / 'secrets' / 'airflow-admin-password'})")

    def call(self, method: str, path: str, body: object | None = None, token: str = "") -> Any:
        """One call to Airflow's REST API; raises StackError with Airflow's answer on an error status."""
        request = urllib.request.Request(
            self.url + path, data=None if body is None else json.dumps(body).encode(), method=method,
            headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as error:
            raise StackError(f"Airflow answered {method} {path} with {error.code}: "
                             f"{error.read().decode(errors='replace')[:500]}") from error
        except urllib.error.URLError as error:
            raise StackError(f"Airflow is not reachable at {self.url} ({error.reason}): "
                             "start it with `./pipeline airflow up`") from error
        return json.loads(text) if text else None

    def run(self, dag_id: str, conf: dict[str, Any], say: Callable[[str], None], timeout_s: float = 1800) -> int:
        """Triggers a DAG through the REST API, as a user would, and follows it to its end."""
        token = self.call("POST", "/auth/token", {"username": ADMIN, "password": self.admin_password()})
        token = token["access_token"]
        self.call("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False}, token)
        run = self.call("POST", f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": None, "conf": conf}, token)
        path = f"/api/v2/dags/{dag_id}/dagRuns/{run['dag_run_id']}"
        say(f"Triggered {dag_id} run {run['dag_run_id']} ({self.url}/dags/{dag_id})")
        deadline = time.monotonic() + timeout_s
        seen: dict[str, str] = {}
        state = run["state"]
        while state not in ("success", "failed") and time.monotonic() < deadline:
            time.sleep(2)
            state = self.call("GET", path, token=token)["state"]
            for ti in self.call("GET", f"{path}/taskInstances", token=token)["task_instances"]:
                name = ti["task_id"] + (f"[{ti['map_index']}]" if ti["map_index"] >= 0 else "")
                if ti["state"] and seen.get(name) != ti["state"]:
                    seen[name] = ti["state"]
                    say(f"  {name:<40} {ti['state']}")
        say(f"{dag_id}: {state}")
        return 0 if state == "success" else 1

    def down(self, say: Callable[[str], None]) -> None:
        leader = self.process.pid()
        if self.process.stop():
            say("  airflow   stopped")
        if leader is not None:
            _stop_stragglers(leader)


    def status(self, say: Callable[[str], None]) -> int:
        pid = self.process.pid()
        ready = pid is not None and self.ready()
        state = "ready" if ready else ("starting" if pid else "stopped")
        say(f"  airflow   {state:<9} {self.url:<45} {f'pid {pid}' if pid else ''}")
        return 0 if ready else 1



def _group_members(group: int) -> list[int]:
    members = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            members.append(int(stat_file.parent.name))
    return members


def _stop_stragglers(group: int, timeout_s: float = 20) -> None:
    """`airflow standalone` can exit on SIGTERM before its children (a triggerer busy with a trigger); they
    are in its process group, which is stopped by force once they have had their time."""
    if not wait_until(lambda: not _group_members(group), timeout_s, interval_s=0.5):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
        wait_until(lambda: not _group_members(group), 10, interval_s=0.5)


def _run(command: list[str], what: str, env: dict[str, str] | None = None, quiet: bool = False) -> None:
    result = subprocess.run(command, env=env, capture_output=quiet, text=True)
    if result.returncode != 0:
        output = f"\n{result.stdout}{result.stderr}"[-3000:] if quiet else " See the output above."
        raise StackError(f"Could not {what}.{output}")


def main(action: str, say: Callable[[str], None], dag_id: str | None = None, conf: str | None = None,
         home: Path | None = None) -> int:
    """The `airflow` subcommand of ./pipeline: up, down, status, or run DAG_ID [--conf JSON]."""
    settings = stack_settings.saved(home)
    if settings is None:
        raise StackError(f"No local stack in {stack_settings.home_dir(home)}: start it with `./pipeline up`, "
                         "then `./pipeline airflow up`")
    stack = AirflowStack(settings)
    if action == "run":
        if not dag_id:
            raise StackError("Name the DAG to run: ./pipeline airflow run backfill_events [--conf '{...}']")
        try:
            parsed = json.loads(conf) if conf else {}
        except ValueError as error:
            raise StackError(f"--conf must be a JSON object: {error}") from error
        return stack.run(dag_id, parsed, say)
    if action == "up":
        stack.up(say)
    elif action == "down":
        stack.down(say)
    else:
        return stack.status(say)
    return 0
