"""A real Compose implementation to validate docker-compose.yml with, installed on first use.

Debian's ``docker-compose`` package (Compose 1.29) parses, interpolates and validates a file against the Compose
schema with ``config -q`` without a Docker engine, which the test machines do not have. Nothing else here needs it.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

PACKAGE = "docker-compose"
INSTALL_TIMEOUT_S = 600


class ComposeToolError(Exception):
    """docker-compose is missing and could not be installed; the message says what to do."""


def ensure_docker_compose() -> str:
    """The path of ``docker-compose``, installing Debian's package when it is missing and we may."""
    found = shutil.which(PACKAGE)
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        raise ComposeToolError(
            f"{PACKAGE} is needed to validate docker-compose.yml and is not installed; this machine "
            f"{'has no apt-get' if apt is None else 'would need root to install it'}. "
            f"Install it (Debian/Ubuntu: `sudo apt-get install -y {PACKAGE}`) and run the tests again.")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [apt, "install", "-y", "-q", "--no-install-recommends", PACKAGE]
    # Installing from the package lists already on the machine is fast; refresh them only when that fails.
    attempts = [install], [[apt, "update", "-q"], install]
    output = ""
    for commands in attempts:
        for command in commands:
            try:
                result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                output = f"`{' '.join(command)}` did not finish in {INSTALL_TIMEOUT_S} s"
                break
            output = (result.stdout + result.stderr).strip()
            if result.returncode != 0:
                break
        found = shutil.which(PACKAGE)
        if found:
            return found
    tail = "\n".join(output.splitlines()[-5:])
    raise ComposeToolError(
        f"{PACKAGE} is needed to validate docker-compose.yml and `apt-get install -y {PACKAGE}` failed:\n{tail}\n"
        f"Install Debian's {PACKAGE} package by hand and run the tests again.")


def config_errors(docker_compose: str, compose_file: Path, env_file: Path) -> str:
    """What ``docker-compose config -q`` says is wrong with the file, or "" when it accepts it."""
    result = subprocess.run(
        [docker_compose, "--project-directory", str(compose_file.parent), "--file", str(compose_file),
         "--env-file", str(env_file), "config", "-q"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "COMPOSE_PROJECT_NAME": "segmentation"})
    if result.returncode == 0:
        return ""
    return (result.stderr or result.stdout).strip() or f"exit code {result.returncode}"
