from __future__ import annotations

from pathlib import Path

import pytest

import arguments
import pipeline_cli
import settings
from errors import StackError


def help_of(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_:
        arguments.parse([*argv, "--help"], {})
    assert exit_.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize(("command", "flags"), [
    ("up", ["--home", "--auto-ports", "--skip-build", "--without-streams"]),
    ("demo", ["--home", "--auto-ports", "--skip-build", "--timeout"]),
    ("bench", ["--home", "--auto-ports", "--skip-build", "--events", "--rounds", "--warmup-rounds", "--tasks"]),
    ("status", ["--home"]),
    ("deploy", ["--home"]),
    ("down", ["--home", "--purge"]),
])
def test_every_switch_is_a_flag_in_the_commands_help(capsys: pytest.CaptureFixture[str], command: str,
                                                     flags: list[str]) -> None:
    text = help_of(capsys, command)
    for flag in flags:
        assert flag in text


def test_the_main_help_lists_every_command_and_the_variables_that_stand_for_flags(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        arguments.parse(["--help"], {})
    text = capsys.readouterr().out
    for command in ("demo", "test", "up", "status", "deploy", "down", "docs", "bench"):
        assert f"./pipeline {command}" in text
    for variable, flag in [("PIPELINE_HOME", "--home"), ("PIPELINE_PORTS=auto", "--auto-ports"),
                           ("PIPELINE_SKIP_BUILD=1", "--skip-build"),
                           ("PIPELINE_WITHOUT_STREAMS=1", "--without-streams")]:
        assert any(variable in line and flag in line for line in text.splitlines()), variable


def test_flags_are_read(tmp_path: Path) -> None:
    args = arguments.parse(["up", "--home", str(tmp_path), "--auto-ports", "--skip-build", "--without-streams"], {})
    assert (args.command, args.home, args.auto_ports, args.skip_build, args.without_streams) == \
        ("up", tmp_path.resolve(), True, True, True)


def test_without_flags_nothing_is_switched_on(monkeypatch: pytest.MonkeyPatch) -> None:
    args = arguments.parse(["up"], {})
    assert (args.auto_ports, args.skip_build, args.without_streams) == (False, False, False)
    assert args.home == settings.REPO / ".pipeline"


def test_the_variables_the_java_tests_set_mean_the_same_as_the_flags(tmp_path: Path) -> None:
    environment = {"PIPELINE_HOME": str(tmp_path), "PIPELINE_PORTS": "auto", "PIPELINE_SKIP_BUILD": "1",
                   "PIPELINE_WITHOUT_STREAMS": "1"}
    args = arguments.parse(["up"], environment)
    assert (args.home, args.auto_ports, args.skip_build, args.without_streams) == (tmp_path.resolve(), True, True, True)
    # The tests pass the same variables to `down`, which has no use for most of them.
    assert arguments.parse(["down"], environment).home == tmp_path.resolve()


def test_a_home_flag_wins_over_the_variable(tmp_path: Path) -> None:
    args = arguments.parse(["status", "--home", str(tmp_path / "flag")], {"PIPELINE_HOME": str(tmp_path / "env")})
    assert args.home == tmp_path / "flag"


@pytest.mark.parametrize("variable", ["PIPELINE_SKIP_BUILD", "PIPELINE_WITHOUT_STREAMS"])
def test_a_switch_variable_with_a_value_it_does_not_know_is_a_mistake(variable: str) -> None:
    flag = "--" + variable.removeprefix("PIPELINE_").lower().replace("_", "-")
    with pytest.raises(StackError, match=f"{variable}=yes is not understood: set it to 1 or use the flag {flag}"):
        arguments.parse(["up"], {variable: "yes"})


@pytest.mark.parametrize(("argv", "message", "help_hint"), [
    (["bogus"], "invalid choice: 'bogus'", "./pipeline --help"),
    (["up", "--frob"], "unrecognized arguments: --frob", "./pipeline up --help"),
    (["bench", "fastest"], "invalid choice: 'fastest' (choose from 'simulator', 'streams')", "./pipeline bench --help"),
    (["bench", "streams", "--events", "0"], "'0' is not a whole number above 0", "./pipeline bench --help"),
    (["bench", "simulator", "--warmup-rounds", "x"], "'x' is not a whole number", "./pipeline bench --help"),
    (["demo", "--timeout", "-3"], "'-3' is not a number of seconds above 0", "./pipeline demo --help"),
    (["deploy"], "the following arguments are required: NAME", "./pipeline deploy --help"),
])
def test_a_command_line_mistake_is_one_line_pointing_at_the_right_help(
        capsys: pytest.CaptureFixture[str], argv: list[str], message: str, help_hint: str) -> None:
    assert pipeline_cli.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert message in lines[0]
    assert lines[0].endswith(f"(see `{help_hint}`)")


def test_no_command_prints_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert pipeline_cli.main([]) == 2
    assert "./pipeline demo" in capsys.readouterr().err


def test_the_benchmarks_offered_are_the_ones_the_launcher_runs() -> None:
    assert set(arguments.BENCHMARKS) == set(pipeline_cli.BENCHMARKS)
