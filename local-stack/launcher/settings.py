"""Where the local stack lives and which ports it listens on.

Everything the stack writes (data, logs, pid files, generated configs, secrets) goes under one folder,
``--home``, ``$PIPELINE_HOME`` or ``.pipeline/`` at the repository root. Ports come from ``PIPELINE_<NAME>_PORT``
or, with ``--auto-ports`` (``PIPELINE_PORTS=auto``), from free ports chosen at ``up``; either way they are saved in
the home folder so that later commands (``status``, ``deploy``, ``down``) talk to the same stack. Only commands that
start something write there.
"""
from __future__ import annotations

import json
import os
import secrets
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from errors import StackError

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
PORTS_FILE = "ports.json"


def home_dir(home: str | Path | None = None) -> Path:
    """The stack's folder: ``home`` if given (``--home``), else ``$PIPELINE_HOME``, else ``.pipeline/``."""
    chosen = home or os.environ.get("PIPELINE_HOME") or REPO / ".pipeline"
    return Path(chosen).expanduser().resolve()


def load(choose_ports: bool = False, *, home: str | Path | None = None, auto_ports: bool | None = None) -> Settings:
    """Settings of the stack in the home folder, which is created; with ``choose_ports`` (at ``up``), ports are
    (re)chosen and saved. ``auto_ports`` (``--auto-ports``) defaults to ``PIPELINE_PORTS=auto``."""
    folder = home_dir(home)
    if not choose_ports:
        found = saved(folder)
        if found is not None:
            return found
    ports = _choose_ports(auto_ports)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / PORTS_FILE).write_text(json.dumps(ports, indent=2))
    return Settings(folder, ports)


def saved(home: str | Path | None = None) -> Settings | None:
    """Settings of a stack started before in the home folder, or None if none was; writes nothing."""
    folder = home_dir(home)
    path = folder / PORTS_FILE
    if not path.is_file():
        return None
    try:
        ports = json.loads(path.read_text())
        if not isinstance(ports, dict) or set(ports) != set(DEFAULT_PORTS) or \
                not all(isinstance(port, int) for port in ports.values()):
            raise ValueError("not a map of the stack's ports")
    except ValueError as error:
        raise StackError(f"{path} is damaged ({error}): `./pipeline down` stops what still runs; then delete the "
                         f"file and run `./pipeline up` again") from error
    return Settings(folder, ports)


def auto_ports_from_environment(environ: Mapping[str, str] | None = None) -> bool:
    """Whether ``PIPELINE_PORTS`` asks for free ports; any value but ``auto`` or ``default`` is a mistake."""
    value = (os.environ if environ is None else environ).get("PIPELINE_PORTS", "")
    if value not in ("", "auto", "default"):
        raise StackError(f"PIPELINE_PORTS={value} is not understood: set it to `auto` or use --auto-ports")
    return value == "auto"


def _choose_ports(auto: bool | None) -> dict[str, int]:
    if auto is None:
        auto = auto_ports_from_environment()
    ports = {}
    for name, default in DEFAULT_PORTS.items():
        variable = f"PIPELINE_{name.upper()}_PORT"
        override = os.environ.get(variable)
        if override:
            if not override.isdigit() or not 0 < int(override) < 65536:
                raise StackError(f"{variable}={override} is not a port: set it to a number from 1 to 65535")
            ports[name] = int(override)
        elif auto:
            ports[name] = free_port()
        else:
            ports[name] = default
    return ports


def free_port() -> int:
    """A port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
