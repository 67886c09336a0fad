"""The command line of `./pipeline`: its commands, their flags, and the environment variables that stand for flags.

Every switch is a flag shown in ``--help``. The environment variables the Java tests set for every command they run
(``PIPELINE_HOME``, ``PIPELINE_PORTS=auto``, ``PIPELINE_SKIP_BUILD=1``, ``PIPELINE_WITHOUT_STREAMS=1``) still work
and mean the same as the flags; a flag given on the command line wins.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from typing import NoReturn

import settings
from errors import StackError

DESCRIPTION = """Runs the whole segmentation pipeline on this machine, without Docker.

  ./pipeline demo     start everything, deploy the connectors, print aggregate rows from PostgreSQL
  ./pipeline test     build and run every test (unit, embedded Connect, end to end, the Python checks)
  ./pipeline up       start the stack (Kafka, PostgreSQL, registry, Connect, Streams)
  ./pipeline status   each part's state, address and memory, and the connectors' states
  ./pipeline deploy NAME...     PUT connector-configs/NAME.json to the Connect worker
  ./pipeline down     stop everything (add --purge to delete the stack's data too)
  ./pipeline airflow up|down|status   Airflow 3 with this project's DAGs, beside the stack (airflow/README.md)
  ./pipeline airflow run DAG_ID [--conf JSON]   trigger a DAG through Airflow's REST API and follow it
  ./pipeline docs     regenerate the configuration reference, docs/configuration.md, from the code
  ./pipeline bench simulator   the simulator against kafka-producer-perf-test, on the local stack
  ./pipeline bench streams     the Streams stage against kafka-consumer-perf-test, on the local stack

`./pipeline COMMAND --help` lists a command's flags."""

ENVIRONMENT = """environment variables, each the same as a flag:
  PIPELINE_HOME=DIR            --home DIR
  PIPELINE_PORTS=auto          --auto-ports
  PIPELINE_SKIP_BUILD=1        --skip-build
  PIPELINE_WITHOUT_STREAMS=1   --without-streams
  PIPELINE_<PART>_PORT=N       a fixed port for kafka, controller, registry, connect or postgres"""

BENCHMARKS = ("simulator", "streams")


class ArgumentParser(argparse.ArgumentParser):
    """Reports a mistake on the command line as one line that says where to look, instead of usage and an error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see `./{self.prog} --help`)\n")


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number above 0")
    return int(text)


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return value


def build_parser() -> tuple[ArgumentParser, dict[str, ArgumentParser]]:
    """The parser of `./pipeline` and, by name, the parsers of its commands."""
    where = ArgumentParser(add_help=False)
    where.add_argument("--home", metavar="DIR",
                       help="the stack's folder: data, logs, pid files, ports (default $PIPELINE_HOME or .pipeline/)")
    start = ArgumentParser(add_help=False)
    start.add_argument("--auto-ports", action="store_true",
                       help="listen on free ports instead of the defaults (PIPELINE_PORTS=auto); the tests use it")
    start.add_argument("--skip-build", action="store_true",
                       help="use the jars already built instead of running Maven first (PIPELINE_SKIP_BUILD=1)")

    parser = ArgumentParser(prog="pipeline", description=DESCRIPTION, epilog=ENVIRONMENT,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    up = commands.add_parser("up", parents=[where, start], help="start the local stack")
    up.add_argument("--without-streams", action="store_true",
                    help="leave the Streams app stopped, so a test can fill its input first; a later `up` starts it "
                         "(PIPELINE_WITHOUT_STREAMS=1)")
    down = commands.add_parser("down", parents=[where], help="stop the local stack")
    down.add_argument("--purge", action="store_true", help="also delete its data, logs and secrets")
    commands.add_parser("status", parents=[where], help="show the state of each part; changes nothing")
    demo = commands.add_parser("demo", parents=[where, start], help="run the pipeline and print aggregate rows")
    demo.add_argument("--timeout", type=_seconds, default=240.0, help="seconds to wait for rows (default 240)")
    deploy = commands.add_parser("deploy", parents=[where], help="PUT connector-configs/<name>.json to the worker")
    deploy.add_argument("names", nargs="+", metavar="NAME", help="a file name in connector-configs/, without .json")
    commands.add_parser("test", help="run all tests")
    commands.add_parser("docs", help="regenerate docs/configuration.md, the configuration reference")
    airflow = commands.add_parser("airflow", parents=[where], help="start, stop or show Airflow beside the stack, "
                                                                  "or run one of its DAGs")
    airflow.add_argument("action", choices=("up", "down", "status", "run"), metavar="ACTION",
                         help="up, down, status or run")
    airflow.add_argument("dag_id", nargs="?", metavar="DAG_ID", help="run: the DAG to trigger and follow")
    airflow.add_argument("--conf", metavar="JSON", help="run: the run's params, as a JSON object")
    bench = commands.add_parser("bench", parents=[where, start],
                                help="benchmark a stage against Kafka's own perf tool")
    bench.add_argument("which", choices=BENCHMARKS, metavar="STAGE", help=" or ".join(BENCHMARKS))
    bench.add_argument("--events", type=_positive_int,
                       help="events to send (default 3,000,000 for the simulator, 1,000,000 for streams)")
    bench.add_argument("--rounds", type=_positive_int,
                       help="simulator: measured rounds, reported by their median (default 3)")
    bench.add_argument("--warmup-rounds", type=_count,
                       help="simulator: unmeasured rounds first, while the worker compiles (default 2)")
    bench.add_argument("--tasks", type=_positive_int,
                       help="simulator: tasks of the simulator, each sending its share of the events (default 1)")
    return parser, dict(commands.choices)


def parse(argv: list[str], environ: Mapping[str, str] | None = None) -> argparse.Namespace:
    """The parsed command line, with the environment's stand-ins filled in where a flag was not given.

    Raises :class:`errors.StackError` for an environment variable with a value that means nothing.
    """
    env = os.environ if environ is None else environ
    parser, commands = build_parser()
    if not argv:
        parser.print_help(sys.stderr)
        parser.exit(2)
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        # Said by the command's own parser, so that the hint points at the help that lists its flags.
        commands[args.command].error(f"unrecognized arguments: {' '.join(unknown)}")
    if hasattr(args, "home"):
        args.home = settings.home_dir(args.home or env.get("PIPELINE_HOME") or None)
    if hasattr(args, "auto_ports"):
        args.auto_ports = args.auto_ports or settings.auto_ports_from_environment(env)
        args.skip_build = args.skip_build or _switch(env, "PIPELINE_SKIP_BUILD")
    if hasattr(args, "without_streams"):
        args.without_streams = args.without_streams or _switch(env, "PIPELINE_WITHOUT_STREAMS")
    return args


def _switch(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "")
    if value not in ("", "0", "1"):
        raise StackError(f"{name}={value} is not understood: set it to 1 or use the flag "
                                  f"--{name.removeprefix('PIPELINE_').lower().replace('_', '-')}")
    return value == "1"
