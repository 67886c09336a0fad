"""Connector configs as files: ``<folder>/<name>.json``, exactly what ``PUT /connectors/{name}/config`` takes.

A name is checked before any REST call: it must be a plain file name (no path) of a JSON object in the folder.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path

from kafka_connect_provider.exceptions import ConnectorConfigFileError

#: Where the configs are when nothing else says: ``$KAFKA_CONNECT_CONFIG_DIR``, else this repository's
#: ``connector-configs/`` (three levels above this package: airflow/src/kafka_connect_provider).
DEFAULT_CONFIG_DIR = Path(__file__).resolve().parents[3] / "connector-configs"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,248}$")


def config_dir(folder: str | os.PathLike[str] | None = None) -> Path:
    if folder:
        return Path(folder)
    return Path(os.environ.get("KAFKA_CONNECT_CONFIG_DIR", str(DEFAULT_CONFIG_DIR)))


def config_file(name: str, folder: str | os.PathLike[str] | None = None) -> Path:
    """The file of a config name; raises :class:`ConnectorConfigFileError` naming what exists instead."""
    directory = config_dir(folder)
    if not NAME.match(name) or name.endswith(".json"):
        raise ConnectorConfigFileError(
            f"Connector config name {name!r} is not a plain name (letters, digits, '.', '_', '-', no '.json'); "
            f"give the name of a file in {directory} without its extension")
    path = directory / f"{name}.json"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in directory.glob("*.json"))) or "none"
        raise ConnectorConfigFileError(f"No connector config {name!r}: {path} does not exist. Known: {known}")
    return path


def load_config(name: str, folder: str | os.PathLike[str] | None = None,
                overrides: Mapping[str, object] | None = None) -> dict[str, str]:
    """The config of a name, with ``overrides`` applied; every value as a string, as Connect wants them."""
    path = config_file(name, folder)
    try:
        config = json.loads(path.read_text())
    except ValueError as error:
        raise ConnectorConfigFileError(f"{path} is not valid JSON: {error}") from error
    if not isinstance(config, dict):
        raise ConnectorConfigFileError(f"{path} must hold one JSON object of config keys")
    merged = {**config, **(overrides or {})}
    return {str(key): _text(value) for key, value in merged.items()}


def _text(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)
