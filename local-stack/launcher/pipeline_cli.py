"""`./pipeline`: runs the whole segmentation pipeline on this machine, without Docker.

The commands, their flags and the environment variables that stand for flags are in :mod:`arguments`
(`./pipeline --help`). Every mistake a user can make ends as one :class:`errors.StackError`, printed by :func:`main`
as one line that says what to do.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import airflow_stack
import arguments
import components
import connect_api
import python_checks
import settings as stack_settings
from errors import StackError
from processes import run_in_foreground, wait_until
from settings import CONNECTOR_CONFIGS, REPO, STACK_BUILD

DEMO_CONNECTORS = ["jdbc-sink-aggregates", "simulator-accelerated"]
# How many times the demo restarts a failed connector task before it gives up waiting for rows.
DEMO_RESTARTS = 3
DEMO_QUERY = """
SELECT window_start, window_end, age_band, preferred_language, email_domain, registrations
FROM segment_registrations
ORDER BY window_start DESC, registrations DESC, age_band, preferred_language, email_domain
LIMIT 15"""
START_HINT = "start it with `./pipeline up`"


def say(message: str) -> None:
    print(message, flush=True)


def build(skip: bool = False) -> None:
    """Builds the modules and gathers the stack's jars, unless a test run already did (``--skip-build``)."""
    if skip:
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


def up(home: Path, auto_ports: bool = False, skip_build: bool = False,
       without_streams: bool = False) -> stack_settings.Settings:
    check_prerequisites()
    settings = stack_settings.load(choose_ports=not _anything_running(home), home=home, auto_ports=auto_ports)
    build(skip_build)
    say(f"Starting the local stack in {settings.home} ...")
    began = time.monotonic()
    timings = components.start_all(settings, say, without=("streams",) if without_streams else ())
    if timings:
        (settings.home / "startup-seconds.txt").write_text(
            "".join(f"{name} {seconds:.1f}\n" for name, seconds in timings.items()))
    say(f"Stack up in {time.monotonic() - began:.1f} s.")
    return settings


def _anything_running(home: Path) -> bool:
    settings = stack_settings.saved(home)
    return settings is not None and any(c.running() for c in components.all_components(settings))


def down(home: Path, purge: bool) -> None:
    if not home.exists():
        say(f"No local stack in {home}: nothing to stop.")
        return
    say("Stopping the local stack ...")
    stack = _stack_to_stop(home)
    airflow_stack.AirflowStack(stack).down(say)  # started beside the stack by `./pipeline airflow up`, if at all
    components.stop_all(stack, say)
    if purge:
        shutil.rmtree(home)
        say(f"Deleted {home}")
    say("Stopped.")


def _stack_to_stop(home: Path) -> stack_settings.Settings:
    """Stopping needs the pid files and PostgreSQL's data folder, not the ports: a home whose ports.json is missing
    or damaged is stopped all the same."""
    try:
        found = stack_settings.saved(home)
    except StackError:
        found = None
    return found or stack_settings.Settings(home, dict(stack_settings.DEFAULT_PORTS))


def status(home: Path) -> int:
    """Prints each part's state; reads the stack's home and asks the parts, and writes nothing anywhere."""
    settings = stack_settings.saved(home)
    if settings is None:
        say(f"No local stack in {home}: {START_HINT}.")
        return 1
    states = []
    for component in components.all_components(settings):
        running = component.running()
        ready = running and component.ready()
        pid, memory = component.pid(), component.rss_mib()
        state = "ready" if ready else ("starting" if running else "stopped")
        states.append(state)
        details = f"pid {pid}" + (f", {memory:.0f} MiB RSS" if memory else "") if running else ""
        say(f"  {component.name:<9} {state:<9} {component.describe():<45} {details}".rstrip())
    if components.ConnectWorker(settings).ready():
        for line in connect_api.summary(settings.connect_url) or ["(no connectors deployed)"]:
            say(f"  connector {line}")
    if all(state == "stopped" for state in states):
        say(f"The stack in {home} is stopped: {START_HINT}.")
    elif any(state != "ready" for state in states):
        say(f"Not every part is ready: `./pipeline up` starts the stopped ones; logs are in {settings.logs}.")
    return 0 if all(state == "ready" for state in states) else 1


def connector_configs() -> list[str]:
    """The names `deploy` takes: the JSON files in connector-configs/, without `.json`."""
    return sorted(path.stem for path in CONNECTOR_CONFIGS.glob("*.json"))


def connector_config(name: str) -> Path:
    """The file of a connector config named on the command line, by its name or its file name."""
    given = Path(name)
    stem = given.name.removesuffix(".json")
    if given.parent in (Path("."), Path(CONNECTOR_CONFIGS.name)) and stem in connector_configs():
        return CONNECTOR_CONFIGS / f"{stem}.json"
    raise StackError(f"No connector config named {name!r}: choose from {', '.join(connector_configs())} "
                     f"(the files in {CONNECTOR_CONFIGS.relative_to(REPO)}/)")


def running_stack(home: Path) -> stack_settings.Settings:
    """The settings of the stack in ``home`` if its Connect worker answers; else a mistake saying to start it."""
    settings = stack_settings.saved(home)
    if settings is None:
        raise StackError(f"No local stack in {home}: {START_HINT}")
    if not components.ConnectWorker(settings).ready():
        raise StackError(f"The local stack in {home} is not running (no Connect worker at {settings.connect_url}): "
                         f"{START_HINT}")
    return settings


def deploy(home: Path, names: list[str]) -> None:
    files = [connector_config(name) for name in names]
    deploy_files(running_stack(home), files)


def deploy_files(settings: stack_settings.Settings, files: list[Path]) -> None:
    for config_file in files:
        config = read_config(config_file)
        create_dead_letter_topic(settings, config)
        connect_api.deploy(settings.connect_url, config_file)
        connect_api.wait_running(settings.connect_url, config_file.stem)
        say(f"  connector {config_file.stem} RUNNING")


def read_config(config_file: Path) -> dict[str, str]:
    try:
        config = json.loads(config_file.read_text())
    except ValueError as error:
        raise StackError(f"{config_file} is not valid JSON ({error}): fix the file and deploy again") from error
    if not isinstance(config, dict):
        raise StackError(f"{config_file} must hold one JSON object of config keys and values: fix it and deploy again")
    return config


def create_dead_letter_topic(settings: stack_settings.Settings, config: dict[str, str]) -> None:
    """Creates a sink's dead-letter topic, if it names one, before Connect does.

    Connect creates it with the broker's default retention and keeps each failed record's timestamp, an event time
    here: the failed records of a backfill would be deleted at the next retention check. Kept without a time
    limit, they wait for an operator.
    """
    topic = config.get("errors.deadletterqueue.topic.name")
    if not topic:
        return
    components.run_kafka_tool(f"Creating the dead-letter topic {topic}", "org.apache.kafka.tools.TopicCommand",
                              "--bootstrap-server", settings.bootstrap_servers, "--create", "--if-not-exists",
                              "--topic", topic, "--partitions", "1", "--config", "retention.ms=-1")


def demo(home: Path, timeout_s: float, auto_ports: bool = False, skip_build: bool = False) -> int:
    settings = up(home, auto_ports, skip_build)
    say("Deploying connectors through the Connect REST API ...")
    deploy_files(settings, [connector_config(name) for name in DEMO_CONNECTORS])
    say("Waiting for the first closed windows to reach PostgreSQL ...")
    server = components.Postgres(settings).server

    restarts = 0

    def rows_loaded() -> bool:
        nonlocal restarts
        for name in DEMO_CONNECTORS:
            # A task that fails (Connect's exactly-once commit can, on a loaded machine) is restarted as an
            # operator would, a few times, rather than leaving the demo to wait for rows that cannot come.
            failure = connect_api.restart_if_failed(settings.connect_url, name) if restarts < DEMO_RESTARTS else None
            if failure:
                restarts += 1
                say(f"  connector {name}: {failure}; restarted it ({restarts} of at most {DEMO_RESTARTS})")
        try:
            return "(0 rows)" not in server.query("SELECT 1 FROM segment_registrations LIMIT 1")
        except StackError:
            return False  # the sink creates the table with its first batch

    if not wait_until(rows_loaded, timeout_s, interval_s=1):
        connectors = "; ".join(connect_api.summary(settings.connect_url))
        raise StackError(f"No aggregate rows reached PostgreSQL in {timeout_s:.0f} s (connectors: {connectors}); "
                         f"see logs in {settings.logs}")
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


# What the benchmarks' own JVM needs beside Kafka's tools: their classes and those of the plugins they configure.
# The application's intake (the floor) runs in the application's JVM, with its classpath.
BENCH_MODULES = ("local-stack", "connect-source-simulator", "connect-smt-window/transforms", "segmentation-events")


def bench(args: argparse.Namespace) -> int:
    """Starts the stack if needed and runs a benchmark against it, baseline and ours in the same run."""
    which, events, rounds, warmup_rounds, tasks = args.which, args.events, args.rounds, args.warmup_rounds, args.tasks
    settings = up(args.home, args.auto_ports, args.skip_build)
    busy = connect_api.connectors(settings.connect_url)
    if busy:
        say(f"Note: connectors {', '.join(busy)} are running too and share the CPU; "
            "`./pipeline down` first for clean figures.")
    tools = components.kafka_classpath()
    classpath = [str(REPO / module / "target" / "classes") for module in BENCH_MODULES] + tools
    app_classpath = components.module_classpath(components.STREAMS_MODULE, components.STREAMS_ARTIFACT)
    # The Streams application's class archive; the simulator benchmark runs no application.
    archive = components.streams_archive(settings, app_classpath) if which == "streams" else None
    command = components.java("1g", classpath, BENCHMARKS[which],
                              "--bootstrap", settings.bootstrap_servers, "--connect", settings.connect_url,
                              "--registry", settings.registry_url, "--tools-classpath", ":".join(tools),
                              "--app-classpath", ":".join(app_classpath),
                              "--app-java-options",
                              " ".join((f"-Xmx{components.STREAMS_HEAP}", *components.STREAMS_TUNING)),
                              "--app-archive-options", " ".join(archive.options() if archive else []),
                              "--work-dir", str(settings.home / "bench"),
                              *(["--events", str(events)] if events else []),
                              *(["--rounds", str(rounds)] if rounds else []),
                              *(["--warmup-rounds", str(warmup_rounds)] if warmup_rounds is not None else []),
                              *(["--tasks", str(tasks)] if tasks else []))
    say(f"Running the {which} benchmark" + (f" with {events:,} events" if events else "") + " ...")
    if archive:
        say(f"  the application's JVM: {archive.describe()}")
    code = run_in_foreground(command)
    if archive and archive.keep_recording():
        say(f"Recorded the application's {archive.describe()}: later runs of this build start from it.")
    return code


def docs() -> int:
    """Regenerates the configuration reference, docs/configuration.md, from the ConfigDefs."""
    check_prerequisites()
    return subprocess.run(["mvn", "-B", "-q", "-pl", "local-stack", "-am", "test", "-Dtest=ConfigReferenceTest",
                           "-Dsurefire.failIfNoSpecifiedTests=false", "-Dconfig.reference.update=true"],
                          cwd=REPO).returncode


def run(args: argparse.Namespace) -> int:
    if args.command == "up":
        up(args.home, args.auto_ports, args.skip_build, args.without_streams)
    elif args.command == "down":
        down(args.home, args.purge)
    elif args.command == "status":
        return status(args.home)
    elif args.command == "demo":
        return demo(args.home, args.timeout, args.auto_ports, args.skip_build)
    elif args.command == "deploy":
        deploy(args.home, args.names)
    elif args.command == "test":
        return test()
    elif args.command == "docs":
        return docs()
    elif args.command == "airflow":
        return airflow_stack.main(args.action, say, args.dag_id, args.conf, home=args.home)
    elif args.command == "bench":
        return bench(args)
    return 0


def main(argv: list[str]) -> int:
    """Runs one command; a mistake or a failed step is printed as one line on stderr, never as a traceback."""
    try:
        return run(arguments.parse(argv))
    except StackError as error:
        print(f"pipeline: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        # A home folder that cannot be written, a full disk: what the system said, and about which file.
        where = f"{error.filename}: " if error.filename else ""
        print(f"pipeline: {where}{error.strerror or error}", file=sys.stderr)
        return 1
    except SystemExit as exit_:
        # argparse has printed the help or the one-line mistake already.
        return exit_.code if isinstance(exit_.code, int) else 1
    except KeyboardInterrupt:
        return 130
