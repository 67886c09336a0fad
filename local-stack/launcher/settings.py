"""Where the local stack lives and which ports it listens on.

Everything the stack writes (data, logs, pid files, generated configs, secrets) goes under one folder,
``$PIPELINE_HOME`` or ``.pipeline/`` at the repository root. Ports come from ``PIPELINE_<NAME>_PORT`` or,
with ``PIPELINE_PORTS=auto``, from free ports chosen at ``up``; either way they are saved in the home folder
so that later commands (``status``, ``demo``, ``down``) talk to the same stack.
"""
from __future__ import annotations

import json
import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
STACK_BUILD = REPO / "local-stack" / "target" / "stack"
CONNECTOR_CONFIGS = REPO / "connector-configs"

DEFAULT_PORTS = {
    "kafka": 19092,
    "controller": 19093,
    "registry": 18081,
    "connect": 18083,
    "postgres": 15432,
}


@dataclass(frozen=True)
class Settings:
    """The resolved location and ports of one local stack."""

    home: Path
    ports: dict[str, int]

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def run(self) -> Path:
        return self.home / "run"

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.ports['kafka']}"

    @property
    def registry_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['registry']}"

    @property
    def connect_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['connect']}"

    @property
    def postgres_jdbc_url(self) -> str:
        return f"jdbc:postgresql://127.0.0.1:{self.ports['postgres']}/{POSTGRES_DATABASE}"

    def postgres_password(self) -> str:
        """The local database password, generated once per home and kept out of the repository."""
        path = self.home / "secrets" / "postgres-password"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(24))
            path.chmod(0o600)
        return path.read_text().strip()

    def service_env(self) -> dict[str, str]:
        """Environment of the worker and the Streams app: what config providers resolve `${env:...}` from."""
        return {
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers,
            "SCHEMA_REGISTRY_URL": self.registry_url,
            "POSTGRES_JDBC_URL": self.postgres_jdbc_url,
            "POSTGRES_USER": POSTGRES_USER,
            "POSTGRES_PASSWORD": self.postgres_password(),
            "SEGMENTATION_STATE_DIR": str(self.home / "streams-state"),
        }


POSTGRES_USER = "segmentation"
POSTGRES_DATABASE = "segmentation"


def home_dir() -> Path:
    return Path(os.environ.get("PIPELINE_HOME", REPO / ".pipeline")).resolve()


def load(choose_ports: bool = False) -> Settings:
    """Settings of the stack in the home folder; with ``choose_ports`` (at ``up``), ports are (re)chosen."""
    home = home_dir()
    saved = home / "ports.json"
    if saved.exists() and not choose_ports:
        return Settings(home, json.loads(saved.read_text()))
    ports = _choose_ports()
    home.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(ports, indent=2))
    return Settings(home, ports)


def _choose_ports() -> dict[str, int]:
    auto = os.environ.get("PIPELINE_PORTS", "") == "auto"
    ports = {}
    for name, default in DEFAULT_PORTS.items():
        override = os.environ.get(f"PIPELINE_{name.upper()}_PORT")
        if override:
            ports[name] = int(override)
        elif auto:
            ports[name] = _free_port()
        else:
            ports[name] = default
    return ports


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
