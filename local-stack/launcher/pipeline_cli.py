"""`./pipeline`: runs the whole segmentation pipeline on this machine, without Docker.

    ./pipeline demo     start everything, deploy the connectors, print aggregate rows from PostgreSQL
    ./pipeline test     build and run every test (unit, embedded Connect, end to end)
    ./pipeline up       start the stack (Kafka, PostgreSQL, registry, Connect, Streams)
    ./pipeline status   each part's state, address and memory, and the connectors' states
    ./pipeline down     stop everything (add --purge to delete the stack's data too)
    ./pipeline airflow up|down|status   Airflow 3 with this project's DAGs, beside the stack (airflow/README.md)
    ./pipeline airflow run DAG_ID [--conf JSON]   trigger a DAG through Airflow's REST API and follow it
    ./pipeline docs     regenerate the README's configuration reference from the code
    ./pipeline bench simulator   the simulator against kafka-producer-perf-test, on the local stack
    ./pipeline bench streams     the Streams stage against kafka-consumer-perf-test, on the local stack
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import airflow_stack
import components
import connect_api
import python_checks
import settings as stack_settings
from processes import StackError, wait_until
from settings import CONNECTOR_CONFIGS, REPO, STACK_BUILD

DEMO_CONNECTORS = ["jdbc-sink-aggregates", "simulator-accelerated"]
DEMO_QUERY = """
SELECT window_start, window_end, age_band, preferred_language, email_domain, registrations
FROM segment_registrations
ORDER BY window_start DESC, registrations DESC, age_band, preferred_language, email_domain
LIMIT 15"""


def say(message: str) -> None:
    print(message, flush=True)


def build() -> None:
    """Builds the modules and gathers the stack's jars, unless a test run already did."""
    if os.environ.get("PIPELINE_SKIP_BUILD") == "1":
        return
    first_build = not (STACK_BUILD / "kafka").is_dir()
    if first_build:
        # Maven's own download lines are the progress report of the longest step on a fresh machine.
        say("First build: fetching Kafka, the Connect plugins and libraries from Maven Central (a few minutes) ...")
    else:
        say("Building the bundle (mvn -DskipTests package) ...")
    result = subprocess.run(["mvn", "-B", *([] if first_build else ["-q"]), "-DskipTests", "package"], cwd=REPO)
    if result.returncode != 0:
        raise StackError("The Maven build failed; see its output above.")


def check_prerequisites() -> None:
    missing = [tool for tool in ("mvn",) if shutil.which(tool) is None]
    if not components.java_available():
        missing.insert(0, "java (17 or newer)")
    if missing:
        raise StackError(f"Missing: {', '.join(missing)}. Install a JDK 17+ and Maven, then run again.")


def up() -> stack_settings.Settings:
    check_prerequisites()
    settings = stack_settings.load(choose_ports=not _anything_running())
    build()
    say(f"Starting the local stack in {settings.home} ...")
    began = time.monotonic()
    timings = components.start_all(settings, say)
    if timings:
        (settings.home / "startup-seconds.txt").write_text(
            "".join(f"{name} {seconds:.1f}\n" for name, seconds in timings.items()))
    say(f"Stack up in {time.monotonic() - began:.1f} s.")
    return settings


def _anything_running() -> bool:
    saved = stack_settings.home_dir() / "ports.json"
    if not saved.exists():
        return False
    settings = stack_settings.load()
    return any(component.running() for component in components.all_components(settings))


def down(purge: bool) -> None:
    settings = stack_settings.load()
    say("Stopping the local stack ...")
    components.stop_all(settings, say)
    if purge and settings.home.exists():
        shutil.rmtree(settings.home)
        say(f"Deleted {settings.home}")
    say("Stopped.")


def status() -> int:
    settings = stack_settings.load()
    healthy = True
    for component in components.all_components(settings):
        running = component.running()
        ready = running and component.ready()
        healthy &= ready
        pid, memory = component.pid(), component.rss_mib()
        state = "ready" if ready else ("starting" if running else "stopped")
        details = f"pid {pid}" + (f", {memory:.0f} MiB RSS" if memory else "") if running else ""
        say(f"  {component.name:<9} {state:<9} {component.describe():<45} {details}")
    if components.ConnectWorker(settings).ready():
        for line in connect_api.summary(settings.connect_url) or ["(no connectors deployed)"]:
            say(f"  connector {line}")
    return 0 if healthy else 1


def deploy(names: list[str]) -> None:
    settings = stack_settings.load()
    for name in names:
        config_file = CONNECTOR_CONFIGS / f"{name}.json"
        create_dead_letter_topic(settings, config_file)
        connect_api.deploy(settings.connect_url, config_file)
        connect_api.wait_running(settings.connect_url, name)
        say(f"  connector {name} RUNNING")


def create_dead_letter_topic(settings: stack_settings.Settings, config_file: Path) -> None:
    """Creates a sink's dead-letter topic, if it names one, before Connect does.

    Connect creates it with the broker's default retention and keeps each failed record's timestamp, an event time
    here: the failed records of a backfill would be deleted at the next retention check. Kept without a time
    limit, they wait for an operator.
    """
    topic = json.loads(config_file.read_text()).get("errors.deadletterqueue.topic.name")
    if not topic:
        return
    components.run_kafka_tool(f"Creating the dead-letter topic {topic}", "org.apache.kafka.tools.TopicCommand",
                              "--bootstrap-server", settings.bootstrap_servers, "--create", "--if-not-exists",
                              "--topic", topic, "--partitions", "1", "--config", "retention.ms=-1")


def demo(timeout_s: float) -> int:
    settings = up()
    say("Deploying connectors through the Connect REST API ...")
    deploy(DEMO_CONNECTORS)
    say("Waiting for the first closed windows to reach PostgreSQL ...")
    server = components.Postgres(settings).server

    def rows_loaded() -> bool:
        try:
            return "(0 rows)" not in server.query("SELECT 1 FROM segment_registrations LIMIT 1")
        except StackError:
            return False  # the sink creates the table with its first batch

    if not wait_until(rows_loaded, timeout_s, interval_s=1):
        raise StackError(f"No aggregate rows reached PostgreSQL in {timeout_s:.0f} s; see logs in {settings.logs}")
    say("Registrations per segment and 1-hour window (sliding every 15 minutes), from PostgreSQL:")
    say(server.query(DEMO_QUERY))
    say("The pipeline keeps running: `./pipeline status` shows it, `./pipeline down` stops it.")
    return 0


def test() -> int:
    """The test command of the README: every module's tests, including the end-to-end test of the stack."""
    check_prerequisites()
    java_passed = subprocess.run(["mvn", "-B", "verify"], cwd=REPO).returncode == 0
    python_passed = python_checks.run_all(say)
    return 0 if java_passed and python_passed else 1


BENCHMARKS = {"simulator": "dev.segmentation.stack.bench.SimulatorBenchmark",
              "streams": "dev.segmentation.stack.bench.StreamsBenchmark"}


def bench(which: str, events: int | None, rounds: int | None = None, warmup_rounds: int | None = None,
          tasks: int | None = None) -> int:
    """Starts the stack if needed and runs a benchmark against it, baseline and ours in the same run."""
    settings = up()
    busy = connect_api.connectors(settings.connect_url)
    if busy:
        say(f"Note: connectors {', '.join(busy)} are running too and share the CPU; "
            "`./pipeline down` first for clean figures.")
    tools = components.kafka_classpath()
    # The simulator's classes give the benchmark the connector's own configuration keys.
    classpath = [str(REPO / "local-stack" / "target" / "classes"),
                 str(REPO / "connect-source-simulator" / "target" / "classes"), *tools]
    command = components.java("1g", classpath, BENCHMARKS[which],
                              "--bootstrap", settings.bootstrap_servers, "--connect", settings.connect_url,
                              "--registry", settings.registry_url, "--tools-classpath", ":".join(tools),
                              "--app-classpath", ":".join(components.module_classpath("connect-smt-window")),
                              "--app-java-options",
                              " ".join((f"-Xmx{components.STREAMS_HEAP}", *components.STREAMS_TUNING)),
                              *(["--events", str(events)] if events else []),
                              *(["--rounds", str(rounds)] if rounds else []),
                              *(["--warmup-rounds", str(warmup_rounds)] if warmup_rounds is not None else []),
                              *(["--tasks", str(tasks)] if tasks else []))
    say(f"Running the {which} benchmark" + (f" with {events:,} events" if events else "") + " ...")
    return subprocess.run(command).returncode


def docs() -> int:
    """Regenerates the README's configuration reference from the ConfigDefs."""
    check_prerequisites()
    return subprocess.run(["mvn", "-B", "-q", "-pl", "local-stack", "-am", "test", "-Dtest=ConfigReferenceTest",
                           "-Dsurefire.failIfNoSpecifiedTests=false", "-Dconfig.reference.update=true"],
                          cwd=REPO).returncode


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pipeline", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("up", help="start the local stack")
    down_parser = commands.add_parser("down", help="stop the local stack")
    down_parser.add_argument("--purge", action="store_true", help="also delete its data, logs and secrets")
    commands.add_parser("status", help="show the state of each part")
    demo_parser = commands.add_parser("demo", help="run the pipeline and print aggregate rows")
    demo_parser.add_argument("--timeout", type=float, default=240, help="seconds to wait for rows")
    deploy_parser = commands.add_parser("deploy", help="PUT connector-configs/<name>.json to the worker")
    deploy_parser.add_argument("names", nargs="+")
    commands.add_parser("test", help="run all tests")
    commands.add_parser("docs", help="regenerate the README's configuration reference")
    airflow_parser = commands.add_parser("airflow", help="start, stop or show Airflow beside the stack")
    airflow_parser.add_argument("action", choices=["up", "down", "status", "run"])
    airflow_parser.add_argument("dag_id", nargs="?", help="run: the DAG to trigger and follow")
    airflow_parser.add_argument("--conf", help="run: the run's params, as a JSON object")
    bench_parser = commands.add_parser("bench", help="benchmark a stage against Kafka's own perf tool")
    bench_parser.add_argument("which", choices=sorted(BENCHMARKS))
    bench_parser.add_argument("--events", type=int,
                              help="events to send (default 3,000,000 for the simulator, 1,000,000 for streams)")
    bench_parser.add_argument("--rounds", type=int, help="simulator: measured rounds, reported by their median "
                                                         "(default 3)")
    bench_parser.add_argument("--warmup-rounds", type=int, help="simulator: unmeasured rounds first, while the "
                                                                "worker compiles (default 2)")
    bench_parser.add_argument("--tasks", type=int, help="simulator: tasks of the simulator, each sending its share "
                                                        "of the events (default 1)")
    args = parser.parse_args(argv)
    try:
        if args.command == "up":
            up()
        elif args.command == "down":
            down(args.purge)
        elif args.command == "status":
            return status()
        elif args.command == "demo":
            return demo(args.timeout)
        elif args.command == "deploy":
            deploy(args.names)
        elif args.command == "test":
            return test()
        elif args.command == "docs":
            return docs()
        elif args.command == "airflow":
            return airflow_stack.main(args.action, say, args.dag_id, args.conf)
        elif args.command == "bench":
            return bench(args.which, args.events, args.rounds, args.warmup_rounds, args.tasks)
        return 0
    except StackError as error:
        print(f"pipeline: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
