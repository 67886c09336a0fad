"""The Streams application's class archive: recorded by one run, checked, then mapped by the next."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import jvm_archive
from jvm_archive import JvmArchive

# `./pipeline test` runs where the project builds, so with a JDK.
JAVA = shutil.which("java") or "java"


def fake_java(tmp_path: Path, version: str, maps: bool = True) -> str:
    """A `java` that reports ``version`` and maps any archive when ``maps``, else refuses it."""
    script = tmp_path / f"java-{version}-{maps}"
    script.write_text("#!/bin/sh\n"
                      f"echo 'openjdk version \"{version}\" 2025-10-21' >&2\n"
                      f"exit {0 if maps else 1}\n")
    script.chmod(0o755)
    return str(script)


def jar(tmp_path: Path, name: str, content: bytes = b"jar") -> Path:
    path = tmp_path / "lib" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    return path


def test_reads_the_feature_version_from_the_version_line(tmp_path: Path) -> None:
    assert jvm_archive.feature_version(fake_java(tmp_path, "17.0.15")) == 17
    assert jvm_archive.feature_version(fake_java(tmp_path, "25.0.3")) == 25
    assert jvm_archive.feature_version(str(tmp_path / "no-such-java")) == 0


def test_records_at_exit_until_a_recording_is_kept_then_maps_it(tmp_path: Path) -> None:
    jar(tmp_path, "kafka.jar")
    archive = JvmArchive(tmp_path / "archive", fake_java(tmp_path, "17.0.15"), [str(tmp_path / "lib" / "*")])

    assert archive.options() == ["-Xlog:cds*=error", f"-XX:ArchiveClassesAtExit={archive.recording}"]
    assert not archive.keep_recording()  # nothing recorded yet

    archive.recording.write_bytes(b"archive")  # what the JVM writes as it exits
    assert archive.keep_recording()
    assert archive.options() == ["-Xlog:cds*=error", f"-XX:SharedArchiveFile={archive.path}"]
    assert not archive.recording.exists()


def test_a_recording_no_jvm_maps_is_dropped_and_recorded_again(tmp_path: Path) -> None:
    archive = JvmArchive(tmp_path / "archive", fake_java(tmp_path, "17.0.15", maps=False), [])
    archive.options()
    archive.recording.write_bytes(b"truncated")

    assert not archive.keep_recording()
    assert not archive.recording.exists() and not archive.path.exists()
    assert archive.options() == ["-Xlog:cds*=error", f"-XX:ArchiveClassesAtExit={archive.recording}"]


def test_jdk_25_records_and_maps_an_aot_cache(tmp_path: Path) -> None:
    archive = JvmArchive(tmp_path / "archive", fake_java(tmp_path, "25.0.3"), [])
    assert archive.options() == ["-Xlog:aot*=error,cds*=error", f"-XX:AOTCacheOutput={archive.recording}"]
    archive.recording.write_bytes(b"cache")
    archive.keep_recording()
    assert archive.options() == ["-Xlog:aot*=error,cds*=error", f"-XX:AOTCache={archive.path}"]


def test_a_rebuilt_jar_is_another_archive_and_the_old_one_of_that_jdk_goes(tmp_path: Path) -> None:
    java = fake_java(tmp_path, "17.0.15")
    built = jar(tmp_path, "app.jar")
    before = JvmArchive(tmp_path / "archive", java, [str(built)])
    before.options()
    before.recording.write_bytes(b"archive")
    before.keep_recording()

    built.write_bytes(b"rebuilt jar")
    after = JvmArchive(tmp_path / "archive", java, [str(built)])

    other_jdk = JvmArchive(tmp_path / "archive", fake_java(tmp_path, "25.0.3"), [str(built)])
    other_jdk.options()
    other_jdk.recording.write_bytes(b"cache")
    other_jdk.keep_recording()

    assert after.path != before.path
    assert after.options()[-1] == f"-XX:ArchiveClassesAtExit={after.recording}"
    assert not before.path.exists()
    assert other_jdk.path.exists()


def test_a_real_jvm_records_an_archive_the_next_one_maps(tmp_path: Path) -> None:
    classes = tmp_path / "classes"
    classes.mkdir()
    archive = JvmArchive(tmp_path / "archive", JAVA, [str(classes)])

    subprocess.run([JAVA, *archive.options(), "-cp", str(classes), "-version"], check=True, capture_output=True)
    assert archive.keep_recording()
    mapped = subprocess.run([JAVA, "-Xshare:on", *archive.options(), "-cp", str(classes), "-version"],
                            capture_output=True, text=True)
    assert mapped.returncode == 0, mapped.stderr


def test_a_real_jvm_refuses_a_truncated_recording_and_it_is_dropped(tmp_path: Path) -> None:
    classes = tmp_path / "classes"
    classes.mkdir()
    archive = JvmArchive(tmp_path / "archive", JAVA, [str(classes)])
    subprocess.run([JAVA, *archive.options(), "-cp", str(classes), "-version"], check=True, capture_output=True)
    whole = archive.recording.read_bytes()
    archive.recording.write_bytes(whole[: len(whole) // 3])

    assert not archive.keep_recording()
    assert not archive.recording.exists() and not archive.path.exists()
    assert not list(Path(os.getcwd()).glob("hs_err_pid*.log"))
