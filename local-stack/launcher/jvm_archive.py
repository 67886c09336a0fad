"""A class archive for the Streams application's JVM: one run of a build records it, later runs map it.

Most of the application's start-up is loading and linking Kafka's classes, and most of its first minute is the
JIT's warm-up. A JVM can record both and map them into the next run of the same classpath: a dynamic CDS archive
(JDK 17 to 24: classes, about 0.8 s less start-up) or an AOT cache (JDK 25 and later, JEPs 483 and 515: classes and
method profiles, so C2 compiles the hot paths from the start). The archive is written when the recording JVM exits,
under a temporary name; it is kept only if a JVM can map it, since JDK 17 crashes on a truncated one.
"""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
from functools import cache
from pathlib import Path

FIRST_AOT_CACHE_VERSION = 25


@cache
def feature_version(binary: str) -> int:
    """The Java feature version of a `java` binary (17 for 17.0.15), or 0 when it cannot tell."""
    try:
        result = subprocess.run([binary, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return 0
    match = re.search(r'version "(\d+)', result.stderr)
    return int(match.group(1)) if match else 0


def expand(classpath: list[str]) -> list[Path]:
    """The files a classpath names, a `dir/*` entry standing for the jars in that folder."""
    files: list[Path] = []
    for entry in classpath:
        if entry.endswith("/*"):
            directory = Path(entry[:-2])
            files.extend(sorted(p for p in directory.iterdir() if p.suffix == ".jar") if directory.is_dir() else [])
        else:
            files.append(Path(entry))
    return files


class JvmArchive:
    """The archive of one `java` binary and classpath, kept in ``directory``."""

    def __init__(self, directory: Path, binary: str, classpath: list[str]):
        self.directory = directory
        self.binary = binary
        self.classpath = ":".join(classpath)
        self.version = feature_version(binary)
        self.aot = self.version >= FIRST_AOT_CACHE_VERSION
        digest = hashlib.sha256(f"{binary} {self.version}".encode())
        for file in expand(classpath):
            stat = file.stat() if file.exists() else None
            digest.update(f"{file} {stat.st_size if stat else -1} {stat.st_mtime_ns if stat else -1}\n".encode())
        # A rebuild changes the key: the JVM would refuse an archive of other jars anyway.
        self.path = directory / f"streams-jdk{self.version}-{digest.hexdigest()[:16]}.{'aot' if self.aot else 'jsa'}"
        self.recording = self.path.with_name(self.path.name + ".part")

    def options(self) -> list[str]:
        """JVM options that map the archive when there is one, and otherwise record it at exit."""
        self.keep_recording()
        # The JVM warns of every class it leaves out of an archive, into the application's log; errors stay.
        quiet = "-Xlog:aot*=error,cds*=error" if self.aot else "-Xlog:cds*=error"
        if self.path.exists():
            return [quiet, f"-XX:AOTCache={self.path}" if self.aot else f"-XX:SharedArchiveFile={self.path}"]
        self.directory.mkdir(parents=True, exist_ok=True)
        # Those of earlier builds on this JDK; another JDK's archive stays for when it runs again.
        for stale in self.directory.glob(f"streams-jdk{self.version}-*"):
            stale.unlink()
        return [quiet, f"-XX:AOTCacheOutput={self.recording}" if self.aot
                else f"-XX:ArchiveClassesAtExit={self.recording}"]

    def keep_recording(self) -> bool:
        """After the recording JVM has exited: keeps what it wrote if a JVM maps it, else drops it."""
        if not self.recording.exists():
            return False
        mapped = (["-XX:AOTMode=on", f"-XX:AOTCache={self.recording}"] if self.aot
                  else ["-Xshare:on", f"-XX:SharedArchiveFile={self.recording}"])
        try:
            # The JVM maps an archive only for the classpath it was recorded with.
            # A truncated archive crashes JDK 17: no crash report, the exit code says enough.
            usable = subprocess.run([self.binary, *mapped, "-XX:ErrorFile=/dev/null", "-XX:-CreateCoredumpOnCrash",
                                     "-cp", self.classpath, "-version"],
                                    capture_output=True, timeout=60).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            usable = False
        if usable:
            os.replace(self.recording, self.path)
        else:
            self.recording.unlink()
        return usable

    def describe(self) -> str:
        kind = "AOT cache" if self.aot else "class archive"
        return f"{kind} {self.path}" if self.path.exists() else f"{kind} recorded at exit to {self.recording}"
