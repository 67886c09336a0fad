"""The benchmarks' JVM gets the classes of every module their code imports (a module moved without the classpath
following fails here, not half-way through a benchmark)."""
from __future__ import annotations

import re

import pipeline_cli
from settings import REPO

BENCH_SOURCES = REPO / "local-stack" / "src" / "main" / "java" / "dev" / "segmentation" / "stack" / "bench"
# Runs in the application's JVM, on the application's classpath with the benchmarks' classes added.
IN_THE_APPLICATION = {"IntakeFloorApp.java"}


def module_of(package: str) -> str | None:
    """The module whose main sources hold the package, if any."""
    path = package.replace(".", "/")
    holders = [pom.parent for pom in REPO.rglob("pom.xml")
               if "target" not in pom.parts and (pom.parent / "src" / "main" / "java" / path).is_dir()]
    return str(holders[0].relative_to(REPO)) if holders else None


def test_every_module_the_benchmarks_import_is_on_their_classpath() -> None:
    sources = [source for source in BENCH_SOURCES.glob("*.java") if source.name not in IN_THE_APPLICATION]
    assert len(sources) >= 5
    imported = {match for source in sources
                for match in re.findall(r"^import (dev\.segmentation(?:\.\w+)*)\.[A-Z]\w*;", source.read_text(),
                                        re.MULTILINE)}
    modules = {package: module_of(package) for package in imported}
    assert None not in modules.values(), modules
    assert set(modules.values()) <= set(pipeline_cli.BENCH_MODULES), modules
