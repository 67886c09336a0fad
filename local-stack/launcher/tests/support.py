"""Helpers of the launcher's tests: a stack's home as `up` leaves it, a picture of a folder, a fake Connect API."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import settings


def save_ports(home: Path) -> settings.Settings:
    """A home as `up` leaves it, on free ports where nothing listens: a stack that is down."""
    ports = {name: settings.free_port() for name in settings.DEFAULT_PORTS}
    home.mkdir(parents=True, exist_ok=True)
    (home / "ports.json").write_text(json.dumps(ports))
    return settings.Settings(home.resolve(), ports)


def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file and folder under ``folder``, with its mode, modification time and content."""
    if not folder.exists():
        return {}
    return {str(path.relative_to(folder)): (path.stat().st_mode, path.stat().st_mtime_ns,
                                            path.read_bytes() if path.is_file() else b"")
            for path in [folder, *sorted(folder.rglob("*"))]}


@dataclass
class FakeConnect:
    """A stand-in for the Connect REST API: answers from ``answers``, records every request it gets."""

    url: str
    answers: dict[tuple[str, str], tuple[int, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str, Any]] = field(default_factory=list)
