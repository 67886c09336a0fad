"""The checker's modules import each other by name, as running ksql_check.py puts their folder on the path."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
