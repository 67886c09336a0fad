"""PostgreSQL as the local warehouse: installed from Debian's packages when missing, one cluster per stack home.

PostgreSQL refuses to run as root, so when the launcher is root the server runs as the `postgres` system user
that Debian's package creates, and its data folder belongs to that user.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from errors import StackError
from processes import wait_until
from settings import POSTGRES_DATABASE, POSTGRES_USER, Settings


def binaries() -> Path | None:
    """The folder holding pg_ctl and initdb, newest PostgreSQL first."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_major_version, reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


def installed_binaries() -> Path:
    """Like :func:`binaries`, for a step that cannot go on without them."""
    found = binaries()
    if found is None:
        raise StackError("PostgreSQL's server is not installed: run `./pipeline up`, which installs it, or "
                         "`sudo apt-get install -y postgresql`.")
    return found


def _major_version(path: str) -> int:
    try:
        return int(Path(path).parts[-3])
    except ValueError:
        return 0


def install(say: Callable[[str], None]) -> Path:
    """Makes sure PostgreSQL's server binaries are present, installing Debian's package as root if needed."""
    found = binaries()
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise StackError("PostgreSQL's server is not installed. Install it with `sudo apt-get install -y "
                         "postgresql` (Debian/Ubuntu), or run ./pipeline as root so it can do so itself.")
    say("  postgres  installing Debian's postgresql package (first run only) ...")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-q"],
                    ["apt-get", "install", "-y", "-q", "--no-install-recommends", "postgresql"]):
        result = subprocess.run(command, capture_output=True, text=True, env=env)
        if result.returncode != 0:
            raise StackError(f"`{' '.join(command)}` failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    found = binaries()
    if not found:
        raise StackError("The postgresql package installed, but pg_ctl was not found under /usr/lib/postgresql")
    return found


class LocalServer:
    """One PostgreSQL cluster under ``<home>/postgres``, listening on 127.0.0.1 only."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.root = settings.home / "postgres"
        self.data = self.root / "data"
        self.socket_dir = self.root / "run"
        self.log_file = settings.logs / "postgres.log"

    def _as_owner(self, command: list[str]) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *command]
        return command

    def _run(self, command: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(self._as_owner(command), capture_output=True, text=True)
        if check and result.returncode != 0:
            raise StackError(f"`{' '.join(command)}` failed:\n{result.stdout}{result.stderr}")
        return result

    def start(self) -> None:
        bin_dir = install(print)
        self.root.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        self.log_file.touch()
        if os.geteuid() == 0:
            self._hand_over_to_postgres_user()
        if not (self.data / "PG_VERSION").exists():
            self._init_cluster(bin_dir)
        port = self.settings.ports["postgres"]
        options = f"-p {port} -c listen_addresses=127.0.0.1 -k {self.socket_dir}"
        self._run([str(bin_dir / "pg_ctl"), "start", "-D", str(self.data), "-l", str(self.log_file),
                   "-o", options, "-w", "-t", "60"])
        self._ensure_database(bin_dir)

    def _hand_over_to_postgres_user(self) -> None:
        owner = pwd.getpwnam("postgres")
        for path in (self.root, self.socket_dir, self.log_file):
            os.chown(path, owner.pw_uid, owner.pw_gid)
        # The server runs as `postgres`, which must be able to pass through the stack's home folder
        # (a temporary folder is private by default); traversal only, not listing.
        home = self.settings.home
        os.chmod(home, home.stat().st_mode | 0o001)
        if subprocess.run(["runuser", "-u", "postgres", "--", "test", "-w", str(self.root)]).returncode != 0:
            raise StackError(f"The postgres user cannot reach {self.root}: let it traverse every folder above it "
                             f"(chmod o+x), or set PIPELINE_HOME to a folder it can reach.")

    def _init_cluster(self, bin_dir: Path) -> None:
        password_file = self.root / "initdb-password"
        password_file.write_text(self.settings.postgres_password())
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(password_file, owner.pw_uid, owner.pw_gid)
        try:
            self._run([str(bin_dir / "initdb"), "-D", str(self.data), "-U", POSTGRES_USER, "-E", "UTF8",
                       "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={password_file}"])
        finally:
            password_file.unlink(missing_ok=True)

    def _ensure_database(self, bin_dir: Path) -> None:
        psql = [str(bin_dir / "psql"), "-h", str(self.socket_dir), "-p", str(self.settings.ports["postgres"]),
                "-U", POSTGRES_USER, "-d", "postgres", "-tAc"]
        exists = self._run([*psql, f"SELECT 1 FROM pg_database WHERE datname = '{POSTGRES_DATABASE}'"])
        if exists.stdout.strip() != "1":
            self._run([*psql, f"CREATE DATABASE {POSTGRES_DATABASE}"])

    def query(self, sql: str) -> str:
        """Runs SQL through the local socket and returns psql's aligned table."""
        result = self._run([str(installed_binaries() / "psql"), "-h", str(self.socket_dir), "-p",
                            str(self.settings.ports["postgres"]), "-U", POSTGRES_USER, "-d", POSTGRES_DATABASE,
                            "-P", "pager=off", "-c", sql], check=False)
        if result.returncode != 0:
            raise StackError(result.stderr.strip())
        return result.stdout

    def pid(self) -> int | None:
        pid_file = self.data / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().splitlines()[0])
            os.kill(pid, 0)
            return pid
        except (FileNotFoundError, PermissionError, ValueError, IndexError, ProcessLookupError):
            return None

    def running(self) -> bool:
        return self.pid() is not None

    def ready(self) -> bool:
        bin_dir = binaries()
        if bin_dir is None or not self.running():
            return False
        result = subprocess.run([str(bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p",
                                 str(self.settings.ports["postgres"])], capture_output=True)
        return result.returncode == 0

    def stop(self) -> bool:
        if not self.running():
            return False
        self._run([str(installed_binaries() / "pg_ctl"), "stop", "-D", str(self.data), "-m", "fast", "-w"], check=False)
        return wait_until(lambda: not self.running(), 30)
