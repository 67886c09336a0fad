"""The parts of the local stack, in start order: how each starts, when it is ready, how it stops.

Every server binds to 127.0.0.1 only. The Java parts run from jars that ``mvn package`` gathered: the Kafka
runtime and the Connect plugins under ``local-stack/target/stack``, our registry and Streams application from
their modules' ``target`` folders.
"""
from __future__ import annotations

import base64
import os
import shutil
import subprocess
import time
import uuid
import zipfile
from collections.abc import Callable, Collection
from functools import partial
from pathlib import Path

import postgres
from errors import StackError
from jvm_archive import JvmArchive
from processes import ManagedProcess, http_ok, port_open, rss_mib, wait_until
from settings import REPO, STACK_BUILD, Settings

LOG4J_CONFIG = REPO / "local-stack" / "config" / "log4j2.properties"


class Component:
    """A part of the stack run as one background process."""

    name = ""
    start_timeout_s = 120.0
    port_names: tuple[str, ...] = ()  # the ports of Settings.ports it listens on

    def __init__(self, settings: Settings):
        self.settings = settings
        self.process = ManagedProcess(self.name, settings.run, settings.logs)

    def start(self) -> None:
        raise NotImplementedError

    def ready(self) -> bool:
        raise NotImplementedError

    def pid(self) -> int | None:
        return self.process.pid()

    def running(self) -> bool:
        return self.pid() is not None

    def rss_mib(self) -> float | None:
        """Resident memory of the part, its child processes included."""
        pid = self.pid()
        return rss_mib(pid) if pid else None

    def stop(self) -> bool:
        return self.process.stop()

    def describe(self) -> str:
        """Where to reach it, for `status`."""
        return ""

    def _write_properties(self, name: str, properties: dict[str, object]) -> Path:
        path = self.settings.home / "config" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{key}={value}\n" for key, value in properties.items()))
        return path


def java_binary() -> str:
    """The `java` every part runs on: JAVA_HOME's when set, else the one on the PATH."""
    java_home = os.environ.get("JAVA_HOME")
    return str(Path(java_home) / "bin" / "java") if java_home else "java"


def java(heap: str, classpath: list[str], main: str, *args: str,
         tuning: tuple[str, ...] = ("-XX:+UseG1GC",)) -> list[str]:
    return [java_binary(), f"-Xmx{heap}", *tuning, "-Djava.awt.headless=true", "-Duser.timezone=UTC",
            f"-Dlog4j2.configurationFile={LOG4J_CONFIG}", "-cp", ":".join(classpath), main, *args]


def module_classpath(module_dir: str, artifact: str) -> list[str]:
    """A module's jar and its copied runtime dependencies, as `mvn package` leaves them."""
    target = REPO / module_dir / "target"
    jars = [j for j in target.glob(f"{artifact}-*.jar") if not j.name.endswith(("-tests.jar", "-sources.jar"))]
    if not jars or not (target / "lib").is_dir():
        raise StackError(f"{module_dir} is not built: run `mvn -B -DskipTests package` at the repository root")
    return [str(jars[0]), str(target / "lib" / "*")]


def kafka_classpath() -> list[str]:
    libs = STACK_BUILD / "kafka"
    if not libs.is_dir():
        raise StackError("The Kafka runtime is missing: run `mvn -B -DskipTests package` at the repository root")
    return [str(libs / "*")]


def run_kafka_tool(what: str, main: str, *args: str) -> None:
    """Runs one of Kafka's command-line tools to completion; fails with its output, saying what it was for."""
    result = subprocess.run(java("256m", kafka_classpath(), main, *args), capture_output=True, text=True)
    if result.returncode != 0:
        raise StackError(f"{what} failed:\n{result.stdout}{result.stderr}")


class Kafka(Component):
    """A single-node Kafka broker in KRaft mode (broker and controller in one process)."""

    name = "kafka"
    port_names = ("kafka", "controller")

    def start(self) -> None:
        ports = self.settings.ports
        data = self.settings.home / "kafka" / "data"
        config = self._write_properties("server.properties", {
            "process.roles": "broker,controller",
            "node.id": 1,
            "controller.quorum.voters": f"1@127.0.0.1:{ports['controller']}",
            "listeners": f"PLAINTEXT://127.0.0.1:{ports['kafka']},CONTROLLER://127.0.0.1:{ports['controller']}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{ports['kafka']}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "log.dirs": data,
            "num.partitions": 3,
            "default.replication.factor": 1,
            "offsets.topic.replication.factor": 1,
            "transaction.state.log.replication.factor": 1,
            "transaction.state.log.min.isr": 1,
            "share.coordinator.state.topic.replication.factor": 1,
            "share.coordinator.state.topic.min.isr": 1,
            "group.initial.rebalance.delay.ms": 0,
            # Topics are created on purpose (by Connect and the Streams app), never by a typo.
            "auto.create.topics.enable": "false",
            # An accelerated simulation runs event time, and so record timestamps, ahead of the wall clock.
            "log.message.timestamp.after.max.ms": 9223372036854775807,
            # Retention deletes by record timestamp, which is event time: checked every second instead of every
            # five minutes, a topic that would lose a backfill's past event times loses them at once, in the tests
            # too, instead of at some later moment.
            "log.retention.check.interval.ms": 1000,
        })
        if not (data / "meta.properties").exists():
            cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
            run_kafka_tool("Formatting Kafka storage", "kafka.tools.StorageTool",
                           "format", f"--cluster-id={cluster_id}", "--config", str(config), "--ignore-formatted")
        self.process.start(java("768m", kafka_classpath(), "kafka.Kafka", str(config)))

    def ready(self) -> bool:
        return port_open(self.settings.ports["kafka"])

    def describe(self) -> str:
        return self.settings.bootstrap_servers


class SchemaRegistry(Component):
    """This project's Confluent-compatible registry, storing schemas in the compacted topic `_schemas`."""

    name = "registry"
    port_names = ("registry",)

    def start(self) -> None:
        config = self._write_properties("registry.properties", {
            "listeners": self.settings.registry_url,
            "kafkastore.bootstrap.servers": self.settings.bootstrap_servers,
            "kafkastore.topic": "_schemas",
            "schema.compatibility.level": "BACKWARD",
        })
        self.process.start(java("256m", module_classpath("local-stack/schema-registry", "schema-registry"),
                                "dev.segmentation.registry.SchemaRegistryServer", "--config", str(config)))

    def ready(self) -> bool:
        return http_ok(f"{self.settings.registry_url}/subjects")

    def describe(self) -> str:
        return self.settings.registry_url


def install_bundle(plugins: Path) -> Path:
    """Unpacks this project's plugin archive into a plugin.path directory, as a user installs it."""
    archives = sorted((REPO / "plugin-archive" / "target").glob("*.zip"))
    if not archives:
        raise StackError("The plugin archive is missing: run `mvn -B -DskipTests package` at the repository root")
    shutil.rmtree(plugins, ignore_errors=True)
    plugins.mkdir(parents=True)
    with zipfile.ZipFile(archives[-1]) as archive:
        archive.extractall(plugins)
    return plugins


class ConnectWorker(Component):
    """A Kafka Connect worker in distributed mode, with the bundle and the sink plugins on its plugin path."""

    name = "connect"
    port_names = ("connect",)
    start_timeout_s = 240.0

    def start(self) -> None:
        config = self._write_properties("connect-distributed.properties", {
            "bootstrap.servers": self.settings.bootstrap_servers,
            "group.id": "segmentation-connect",
            "listeners": self.settings.connect_url,
            "rest.advertised.host.name": "127.0.0.1",
            "rest.advertised.port": self.settings.ports["connect"],
            "key.converter": "org.apache.kafka.connect.storage.StringConverter",
            "value.converter": "org.apache.kafka.connect.json.JsonConverter",
            "config.storage.topic": "_connect-configs",
            "offset.storage.topic": "_connect-offsets",
            "status.storage.topic": "_connect-status",
            "config.storage.replication.factor": 1,
            "offset.storage.replication.factor": 1,
            "status.storage.replication.factor": 1,
            "offset.flush.interval.ms": 1000,
            "plugin.path": f"{STACK_BUILD / 'plugins'},{install_bundle(self.settings.home / 'plugins')}",
            # The Snowflake plugin ships Confluent's AvroConverter without a service manifest, so the worker
            # must scan for it; our own plugins are also listed in META-INF/services.
            "plugin.discovery": "hybrid_warn",
            "exactly.once.source.support": "enabled",
            "connector.client.config.override.policy": "All",
            # Secrets and addresses reach connector configs only through these providers.
            "config.providers": "env,file",
            "config.providers.env.class": "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
            "config.providers.file.class": "org.apache.kafka.common.config.provider.FileConfigProvider",
        })
        # An exactly-once source task keeps every record until its transaction commits, so each young collection
        # finds whole transactions alive: its cost is fixed, and only a larger young generation makes it rarer. The
        # throughput collector copies them far more cheaply than G1, which spent as much CPU as the task itself in
        # the simulator benchmark; a 2 GiB young generation instead of 1 GiB raised the backfill rate by a quarter.
        self.process.start(java("3g", kafka_classpath(), "org.apache.kafka.connect.cli.ConnectDistributed",
                                str(config), tuning=("-XX:+UseParallelGC", "-Xms3g", "-Xmn2g")),
                           env=self.settings.service_env())

    def ready(self) -> bool:
        return http_ok(f"{self.settings.connect_url}/connectors")

    def describe(self) -> str:
        return self.settings.connect_url


class Postgres(Component):
    """PostgreSQL from the machine's packages, as the local warehouse; data under the stack's home."""

    name = "postgres"
    port_names = ("postgres",)

    def __init__(self, settings: Settings):
        super().__init__(settings)
        self.server = postgres.LocalServer(settings)

    def start(self) -> None:
        self.server.start()

    def ready(self) -> bool:
        return self.server.ready()

    def stop(self) -> bool:
        return self.server.stop()

    def describe(self) -> str:
        return self.settings.postgres_jdbc_url

    def pid(self) -> int | None:
        return self.server.pid()


STREAMS_MODULE = "connect-smt-window/streams"
STREAMS_ARTIFACT = "connect-smt-window-streams"
STREAMS_HEAP = "512m"
# The JIT compilers took a third of the Streams application's CPU over a 1M-event benchmark, compiling Kafka Streams'
# deep call paths at every tier. With C2 alone they took 14 s instead of 37-39 s, and the stream thread as long.
# The parallel collector took 20 s of a 5M-event benchmark where G1 took 38, on two cores shared with the broker. The
# whole heap, committed and touched from the start, makes the resident memory of a short run that of a long one: a
# heap committed but untouched became resident as the run went on, 572 MiB after 1M events and 814 after 5M.
STREAMS_TUNING = (f"-Xms{STREAMS_HEAP}", "-XX:+AlwaysPreTouch", "-XX:+UseParallelGC", "-XX:-TieredCompilation")


def streams_archive(settings: Settings, classpath: list[str]) -> JvmArchive:
    """The Streams application's class archive for this build, in the stack's home."""
    return JvmArchive(settings.home / "jvm-archive", java_binary(), classpath)


class StreamsApp(Component):
    """The Kafka Streams segmentation stage of connect-smt-window/streams."""

    name = "streams"
    log_start = 0

    def start(self) -> None:
        # The log is appended to across restarts: only what this start writes tells whether it is running.
        self.log_start = self.process.log_file.stat().st_size if self.process.log_file.exists() else 0
        properties = REPO / "connector-configs" / "segmentation-streams.properties"
        classpath = module_classpath(STREAMS_MODULE, STREAMS_ARTIFACT)
        tuning = (*STREAMS_TUNING, *streams_archive(self.settings, classpath).options())
        self.process.start(java(STREAMS_HEAP, classpath, "dev.segmentation.window.SegmentationApp", str(properties),
                                tuning=tuning), env=self.settings.service_env())

    def stop(self) -> bool:
        stopped = super().stop()
        if stopped:
            try:
                classpath = module_classpath(STREAMS_MODULE, STREAMS_ARTIFACT)
            except StackError:
                return stopped  # not built: it cannot have recorded an archive
            # The JVM writes the archive it recorded as it exits.
            streams_archive(self.settings, classpath).keep_recording()
        return stopped

    def ready(self) -> bool:
        # The application logs each state change; RUNNING means its partitions are assigned.
        log = self.process.log_file
        if not log.exists():
            return False
        with open(log, "rb") as file:
            file.seek(self.log_start)
            transitions = [line for line in file.read().decode(errors="replace").splitlines()
                           if "Segmentation application state" in line]
        return bool(transitions) and transitions[-1].endswith("-> RUNNING")

    def describe(self) -> str:
        return "application.id segmentation"


def all_components(settings: Settings) -> list[Component]:
    return [Kafka(settings), Postgres(settings), SchemaRegistry(settings), ConnectWorker(settings),
            StreamsApp(settings)]


def start_all(settings: Settings, say: Callable[[str], None], without: Collection[str] = ()) -> dict[str, float]:
    """Starts what is not running, in order, waiting for each; returns seconds each took to become ready.

    ``without`` names parts to leave stopped: a test may fill the input topics before the Streams app reads them
    (``up --without-streams``), and a later ``up`` starts it.
    """
    timings: dict[str, float] = {}
    for component in all_components(settings):
        if component.name in without:
            say(f"  {component.name:<9} not started (--without-{component.name})")
            continue
        if component.running() and component.ready():
            say(f"  {component.name:<9} already running  {component.describe()}")
            continue
        if not component.running():
            _check_ports_free(settings, component)
        say(f"  {component.name:<9} starting ...")
        began = time.monotonic()
        component.start()
        if not wait_until(partial(_settled, component), component.start_timeout_s):
            raise StackError(f"{component.name} did not become ready in {component.start_timeout_s:.0f} s; "
                             f"see {component.process.log_file}\n{component.process.log_tail()}")
        if not component.ready():
            raise StackError(f"{component.name} exited during start-up; see {component.process.log_file}\n"
                             f"{component.process.log_tail()}")
        timings[component.name] = time.monotonic() - began
        say(f"  {component.name:<9} ready in {timings[component.name]:.1f} s  {component.describe()}")
    return timings


def _check_ports_free(settings: Settings, component: Component) -> None:
    """A port already taken would only show as the part exiting, deep in its log; say so before starting it."""
    for port_name in component.port_names:
        port = settings.ports[port_name]
        if port_open(port):
            raise StackError(f"Port {port} for {component.name} is taken by another program: stop it, or choose "
                             f"other ports with `./pipeline up --auto-ports` or PIPELINE_{port_name.upper()}_PORT")


def _settled(component: Component) -> bool:
    """Ready, or gone: either way there is no point in waiting longer."""
    return component.ready() or not component.running()


def stop_all(settings: Settings, say: Callable[[str], None]) -> None:
    for component in reversed(all_components(settings)):
        if component.stop():
            say(f"  {component.name:<9} stopped")


def java_available() -> bool:
    java_home = os.environ.get("JAVA_HOME")
    return bool(java_home and Path(java_home, "bin", "java").exists()) or shutil.which("java") is not None
