"""Checks docker-compose.yml for the mistakes a user would otherwise meet first, without a Docker engine.

    python3 docker/checks/compose_check.py [--repo DIR]

Prints one line per problem, ``file:line: reason``, and exits with 1 when there is any. Beside Compose's own
validation (``docker-compose config -q``, run by the tests and here when docker-compose is installed):

- every service the stack needs is there; every ``depends_on`` target exists and is waited for in a way that means
  something: healthy (so it must have a healthcheck) or, for one-shot init services, completed;
- every image is pinned to a version, in the file and in the Dockerfile it builds;
- every build context, Dockerfile, build target and mounted path exists in the repository; named volumes are declared;
- every published port is bound to 127.0.0.1;
- every host:port in an environment value names a service and a port it listens on; every ``${env:NAME}`` of the
  connector configs and of the Streams properties is set in the environment of the service that reads them;
- secrets come from ``.env``: a secret-named variable is a ``${VARIABLE}``, each such variable is in
  ``.env.example``, and ``.gitignore`` ignores ``.env``;
- the known pitfalls: ``CLUSTER_ID`` (not ``KAFKA_CLUSTER_ID``) for Confluent's KRaft images, the unpacked bundle on
  ``CONNECT_PLUGIN_PATH``, ``plugin.discovery=hybrid_warn``, healthchecks that ask Connect for our connector class
  and the registry for ``/subjects``, Airflow 3's ``AIRFLOW__CORE__EXECUTION_API_SERVER_URL`` with LocalExecutor,
  and ksqlDB's collection limits raised (``..._COLLECT__SET_LIMIT``: two underscores).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

COMPOSE_FILE = "docker-compose.yml"
ENV_EXAMPLE = ".env.example"
CONNECTOR_CONFIGS = Path("connector-configs")
STREAMS_PROPERTIES = CONNECTOR_CONFIGS / "segmentation-streams.properties"
REQUIRED_SERVICES = ("kafka", "schema-registry", "connect", "connect-init", "streams", "ksqldb-server", "ksqldb-init",
                     "postgres", "airflow-api-server", "airflow-scheduler", "airflow-dag-processor",
                     "airflow-triggerer")
AIRFLOW_COMMANDS = {"airflow-api-server": "api-server", "airflow-scheduler": "scheduler",
                    "airflow-dag-processor": "dag-processor", "airflow-triggerer": "triggerer"}
TOP_LEVEL_KEYS = {"services", "volumes", "networks", "configs", "secrets"}
LOCAL_HOSTS = {"localhost", "0.0.0.0", "127.0.0.1"}
SECRET_WORDS = ("PASSWORD", "SECRET", "TOKEN", "FERNET_KEY", "PRIVATE_KEY", "API_KEY")
HOST_PORT = re.compile(r"(?:^|(?<=[/@,=\s]))([A-Za-z][A-Za-z0-9_.-]*):(\d{2,5})\b")
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?][^}]*)?}")
ENV_REFERENCE = re.compile(r"\$\{env:([A-Za-z_][A-Za-z0-9_]*)}")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


class LineDict(dict[Any, Any]):
    """A YAML mapping that remembers the line of each key."""

    line = 0
    key_lines: dict[Any, int]


class LineList(list[Any]):
    """A YAML sequence that remembers the line of each item."""

    line = 0
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    pass


def _mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)  # resolves `<<: *anchor` merges
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(item, deep=True) for item in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [item.start_mark.line + 1 for item in node.value]
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def line_of(mapping: object, key: object) -> int:
    if isinstance(mapping, LineDict):
        return mapping.key_lines.get(key, mapping.line)
    return 0


def _environment(service: LineDict) -> dict[str, str]:
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        pairs = (str(item).split("=", 1) for item in raw)
        return {pair[0]: pair[1] if len(pair) > 1 else "" for pair in pairs}
    return {str(k): "" if v is None else str(v) for k, v in raw.items()}


def _env_line(service: LineDict, name: str) -> int:
    raw = service.get("environment")
    if isinstance(raw, LineDict) and name in raw:
        return line_of(raw, name)
    if isinstance(raw, LineList):
        for item, line in zip(raw, raw.item_lines, strict=False):
            if str(item).split("=", 1)[0] == name:
                return line
    return line_of(service, "environment")


def _text(value: object) -> str:
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return "" if value is None else str(value)


class Checker:
    def __init__(self, repo: Path, compose_file: Path):
        self.repo = repo
        self.compose_file = compose_file
        self.base = compose_file.parent
        self.name = str(compose_file.relative_to(repo)) if compose_file.is_relative_to(repo) else str(compose_file)
        self.problems: list[Problem] = []

    def report(self, line: int, reason: str, path: str | None = None) -> None:
        self.problems.append(Problem(path or self.name, line, reason))

    def check(self) -> list[Problem]:
        try:
            document = yaml.load(self.compose_file.read_text(encoding="utf-8"), Loader=_LineLoader)
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            self.report(mark.line + 1 if mark else 0, f"not valid YAML: {e}")
            return self.problems
        if not isinstance(document, LineDict) or not isinstance(document.get("services"), LineDict):
            self.report(1, "no services: mapping")
            return self.problems
        for key in document:
            if key not in TOP_LEVEL_KEYS and not str(key).startswith("x-"):
                self.report(line_of(document, key), f"top-level key {key!r} is not one Compose 1.x accepts "
                                                    f"(services, volumes, networks, configs, secrets, x-*)")
        services: LineDict = document["services"]
        volumes = document.get("volumes") or {}
        for required in REQUIRED_SERVICES:
            if required not in services:
                self.report(services.line, f"the stack needs a service named {required}")
        for name, service in services.items():
            if not isinstance(service, LineDict):
                self.report(line_of(services, name), f"service {name} is not a mapping")
                continue
            self.check_depends_on(services, name, service)
            self.check_image(name, service)
            self.check_build(name, service)
            self.check_volumes(name, service, volumes)
            self.check_ports(name, service)
            self.check_addresses(services, name, service)
            self.check_secrets(name, service)
        self.check_pitfalls(services)
        self.check_airflow_folder(services)
        self.check_env_references(services)
        self.check_env_file()
        return self.problems

    def check_depends_on(self, services: LineDict, name: str, service: LineDict) -> None:
        depends = service.get("depends_on")
        if depends is None:
            return
        if isinstance(depends, list):
            self.report(line_of(service, "depends_on"), f"{name} depends_on as a list only waits for a start: give "
                                                        f"each target condition: service_healthy")
            depends = {target: {} for target in depends}
        for target, spec in depends.items():
            line = line_of(depends, target)
            if target not in services:
                self.report(line, f"{name} depends on {target}, which is not a service")
                continue
            condition = spec.get("condition") if isinstance(spec, dict) else None
            target_service = services[target]
            if condition == "service_healthy":
                if "healthcheck" not in target_service:
                    self.report(line, f"{name} waits for {target} to be healthy, but {target} has no healthcheck")
            elif condition == "service_completed_successfully":
                if str(target_service.get("restart", "no")) != "no":
                    self.report(line, f"{name} waits for {target} to complete, but {target} restarts")
            else:
                self.report(line, f"{name} depends on {target} with condition {condition or 'none'}: use "
                                  f"service_healthy (and give {target} a healthcheck)")

    def check_image(self, name: str, service: LineDict) -> None:
        image = service.get("image")
        if image is None:
            if "build" not in service:
                self.report(service.line, f"service {name} has neither image nor build")
            else:
                self.report(line_of(service, "build"), f"service {name} builds an image without naming it: "
                                                       f"add image: <name>:<version>")
            return
        problem = unpinned(str(image))
        if problem:
            self.report(line_of(service, "image"), f"image {image} of {name} {problem}")

    def check_build(self, name: str, service: LineDict) -> None:
        build = service.get("build")
        if build is None:
            return
        spec = build if isinstance(build, dict) else {"context": build}
        line = line_of(build, "context") if isinstance(build, dict) else line_of(service, "build")
        context = self.local_path(str(spec.get("context", ".")))
        if context is None or not context.is_dir():
            self.report(line, f"build context {spec.get('context')} of {name} is not a folder of the repository")
            return
        dockerfile = context / str(spec.get("dockerfile", "Dockerfile"))
        dockerfile_line = line_of(build, "dockerfile") if isinstance(build, dict) else line
        if not dockerfile.is_file():
            self.report(dockerfile_line, f"Dockerfile {spec.get('dockerfile', 'Dockerfile')} of {name} does not exist "
                                         f"in {spec.get('context')}")
            return
        stages = dockerfile_stages(dockerfile)
        target = spec.get("target")
        if target is not None and str(target) not in {stage for stage, _, _ in stages}:
            self.report(line_of(build, "target"), f"build target {target} of {name} is not a stage of "
                                                  f"{self.relative(dockerfile)}")
        names = {stage for stage, _, _ in stages}
        for _, image, from_line in stages:
            problem = unpinned(image) if image not in names else None
            if problem:
                self.report(from_line, f"base image {image} {problem}", self.relative(dockerfile))

    def check_volumes(self, name: str, service: LineDict, declared: dict[str, Any]) -> None:
        mounts = service.get("volumes")
        if not isinstance(mounts, LineList):
            return
        for mount, line in zip(mounts, mounts.item_lines, strict=False):
            source = str(mount.get("source", "")) if isinstance(mount, dict) else str(mount).split(":", 1)[0]
            kind = mount.get("type", "volume") if isinstance(mount, dict) else None
            if kind == "bind" or source.startswith((".", "/", "~")):
                path = self.local_path(source)
                if path is None:
                    self.report(line, f"{name} mounts {source}, which is outside the repository")
                elif not path.exists():
                    self.report(line, f"{name} mounts {source}, which does not exist in the repository")
            elif source and source not in declared:
                self.report(line, f"{name} mounts volume {source}, which is not declared under volumes:")

    def check_ports(self, name: str, service: LineDict) -> None:
        ports = service.get("ports")
        if not isinstance(ports, LineList):
            return
        for port, line in zip(ports, ports.item_lines, strict=False):
            if isinstance(port, dict):
                bound = str(port.get("host_ip", ""))
            else:
                bound = str(port) if str(port).count(":") >= 2 else ""
            if not bound.startswith("127.0.0.1"):
                self.report(line, f"{name} publishes {port} on every interface: bind it to 127.0.0.1 "
                                  f"(\"127.0.0.1:<host port>:<container port>\")")

    def check_addresses(self, services: LineDict, name: str, service: LineDict) -> None:
        for variable, value in _environment(service).items():
            for host, port in HOST_PORT.findall(value):
                if host in LOCAL_HOSTS:
                    continue
                self.check_address(services, host, int(port), _env_line(service, variable),
                                   f"{variable} of {name}")

    def check_address(self, services: LineDict, host: str, port: int, line: int, where: str,
                      path: str | None = None) -> None:
        target = next((s for n, s in services.items() if n == host or (isinstance(s, dict) and s.get("hostname")
                                                                         == host)), None)
        if target is None:
            self.report(line, f"{where} names host {host}, which is not a service", path)
            return
        listening = container_ports(target)
        if port not in listening:
            self.report(line, f"{where} names {host}:{port}, but {host} listens on "
                              f"{', '.join(map(str, sorted(listening))) or 'no declared port'} (ports: or expose:)",
                        path)

    def check_secrets(self, name: str, service: LineDict) -> None:
        for variable, value in _environment(service).items():
            if any(word in variable.upper() for word in SECRET_WORDS) and not VARIABLE.fullmatch(value.strip()):
                self.report(_env_line(service, variable), f"{variable} of {name} holds a literal: take it from .env "
                                                          f"as ${{VARIABLE}}")

    def check_pitfalls(self, services: LineDict) -> None:
        for name, service in services.items():
            if not isinstance(service, LineDict):
                continue
            environment = _environment(service)
            image = str(service.get("image", ""))
            if "KAFKA_PROCESS_ROLES" in environment:
                if "KAFKA_CLUSTER_ID" in environment:
                    self.report(_env_line(service, "KAFKA_CLUSTER_ID"), f"{name}: Confluent's images read CLUSTER_ID "
                                                                        f"for KRaft, not KAFKA_CLUSTER_ID")
                if "CLUSTER_ID" not in environment:
                    self.report(line_of(service, "environment"), f"{name} runs KRaft without CLUSTER_ID")
            if "cp-schema-registry" in image and "/subjects" not in _text(service.get("healthcheck", {}).get("test")):
                self.report(line_of(service, "healthcheck"), f"{name}'s healthcheck must ask the registry for "
                                                             f"/subjects")
            if "CONNECT_BOOTSTRAP_SERVERS" in environment:
                self.check_connect(name, service, environment)
            if "cp-ksqldb-server" in image and "KSQL_LISTENERS" in environment:
                self.check_ksqldb(name, service, environment)
            if image.startswith("apache/airflow"):
                self.check_airflow(name, service, environment)

    def check_connect(self, name: str, service: LineDict, environment: dict[str, str]) -> None:
        plugin_path = [p.strip().rstrip("/") for p in environment.get("CONNECT_PLUGIN_PATH", "").split(",")]
        bundle_dirs = self.bundle_directories(service)
        if not bundle_dirs or not set(bundle_dirs) & set(plugin_path):
            self.report(_env_line(service, "CONNECT_PLUGIN_PATH"),
                        f"CONNECT_PLUGIN_PATH of {name} must include the folder the Dockerfile unpacks the bundle "
                        f"into ({', '.join(bundle_dirs) or 'no COPY of the plugins found'})")
        if environment.get("CONNECT_PLUGIN_DISCOVERY") != "hybrid_warn":
            self.report(_env_line(service, "CONNECT_PLUGIN_DISCOVERY"),
                        f"{name} needs CONNECT_PLUGIN_DISCOVERY: hybrid_warn: the Snowflake jar lists no service "
                        f"manifest for Confluent's AvroConverter")
        test = _text(service.get("healthcheck", {}).get("test"))
        classes = bundle_connector_classes(self.repo)
        if "/connector-plugins" not in test or not any(c in test for c in classes):
            self.report(line_of(service, "healthcheck"), f"{name}'s healthcheck must find our connector class "
                                                         f"({', '.join(sorted(classes))}) under /connector-plugins")

    def check_ksqldb(self, name: str, service: LineDict, environment: dict[str, str]) -> None:
        # Confluent's images turn _ into . and __ into _: COLLECT_SET_LIMIT would set ksql.functions.collect.set.limit.
        for kind in ("SET", "LIST"):
            variable = f"KSQL_KSQL_FUNCTIONS_COLLECT__{kind}_LIMIT"
            if f"KSQL_KSQL_FUNCTIONS_COLLECT_{kind}_LIMIT" in environment:
                self.report(_env_line(service, f"KSQL_KSQL_FUNCTIONS_COLLECT_{kind}_LIMIT"),
                            f"{name}: KSQL_KSQL_FUNCTIONS_COLLECT_{kind}_LIMIT sets "
                            f"ksql.functions.collect.{kind.lower()}.limit; write {variable} (__ for _)")
            elif variable not in environment:
                self.report(line_of(service, "environment"), f"{name} lacks {variable}: ksql/migrations counts "
                                                             f"distinct users and p95 over whole sets, which ksqlDB "
                                                             f"cuts at 1,000 entries by default")

    def check_airflow(self, name: str, service: LineDict, environment: dict[str, str]) -> None:
        if not environment.get("AIRFLOW__CORE__EXECUTION_API_SERVER_URL"):
            self.report(line_of(service, "environment") or service.line,
                        f"{name} lacks AIRFLOW__CORE__EXECUTION_API_SERVER_URL: Airflow 3 workers reach the API "
                        f"server's execution API there")
        if environment.get("AIRFLOW__CORE__EXECUTOR") != "LocalExecutor":
            self.report(_env_line(service, "AIRFLOW__CORE__EXECUTOR"), f"{name} must run the LocalExecutor")
        expected = AIRFLOW_COMMANDS.get(name)
        if expected is not None and expected not in _text(service.get("command")).split():
            self.report(line_of(service, "command") or service.line, f"{name} must run `airflow {expected}`")

    def check_airflow_folder(self, services: LineDict) -> None:
        """Once the repository has airflow/, every Airflow service mounts it."""
        if not (self.repo / "airflow").is_dir():
            return
        for name, service in services.items():
            if not isinstance(service, LineDict) or not str(service.get("image", "")).startswith("apache/airflow"):
                continue
            mounts = [str(m.get("source", "")) if isinstance(m, dict) else str(m).split(":", 1)[0]
                      for m in service.get("volumes") or []]
            if not any(self.local_path(m) == (self.repo / "airflow").resolve() for m in mounts):
                self.report(line_of(services, name), f"{name} does not mount ./airflow, which the repository has now: "
                                                     f"uncomment the volumes of x-airflow-common")

    def check_env_references(self, services: LineDict) -> None:
        for path, reader in [*((p, "connect") for p in sorted((self.repo / CONNECTOR_CONFIGS).glob("*.json"))),
                             (self.repo / STREAMS_PROPERTIES, "streams")]:
            if not path.exists() or reader not in services:
                continue
            environment = _environment(services[reader])
            text = path.read_text(encoding="utf-8")
            for number, line in enumerate(text.splitlines(), start=1):
                for variable in ENV_REFERENCE.findall(line):
                    if variable not in environment:
                        self.report(number, f"${{env:{variable}}} is not set in the environment of {reader} in "
                                            f"{self.name}", self.relative(path))
            if path.suffix == ".json":
                for key, value in json.loads(text).items():
                    if not re.search(r"(url|servers|host)$", key) and "://" not in str(value):
                        continue  # e.g. snowflake.jdbc.map's loginTimeout:20 is not an address
                    for host, port in HOST_PORT.findall(str(value)):
                        if host not in LOCAL_HOSTS:
                            number = next((i for i, line in enumerate(text.splitlines(), 1) if f'"{key}"' in line), 0)
                            self.check_address(services, host, int(port), number, key, self.relative(path))

    def check_env_file(self) -> None:
        text = self.compose_file.read_text(encoding="utf-8")
        example = self.base / ENV_EXAMPLE
        listed = set()
        if example.exists():
            listed = {line.split("=", 1)[0].strip() for line in example.read_text(encoding="utf-8").splitlines()
                      if "=" in line and not line.lstrip().startswith("#")}
        else:
            self.report(0, f"{ENV_EXAMPLE} is missing: commit one with every variable .env must set")
        for number, line in enumerate(text.splitlines(), start=1):
            if line.lstrip().startswith("#"):
                continue
            for variable, default in VARIABLE.findall(line):
                if not default.startswith((":-", "-")) and variable not in listed:
                    self.report(number, f"${{{variable}}} has no default and is not in {ENV_EXAMPLE}")
        gitignore = self.repo / ".gitignore"
        ignored = gitignore.read_text(encoding="utf-8").splitlines() if gitignore.exists() else []
        if not {".env", "/.env"} & {line.strip() for line in ignored}:
            self.report(0, ".env holds the secrets but .gitignore does not list it", ".gitignore")

    def bundle_directories(self, service: LineDict) -> list[str]:
        """Where the Dockerfile of the service's build target copies the plugins to."""
        build = service.get("build")
        if not isinstance(build, dict):
            return []
        context = self.local_path(str(build.get("context", ".")))
        dockerfile = context / str(build.get("dockerfile", "Dockerfile")) if context else None
        if dockerfile is None or not dockerfile.is_file():
            return []
        stage = None
        found = []
        for line in dockerfile.read_text(encoding="utf-8").splitlines():
            match = re.match(r"\s*FROM\s+\S+(?:\s+AS\s+(\S+))?", line, re.IGNORECASE)
            if match:
                stage = match.group(1)
            copy = re.match(r"\s*COPY\s+--from=\S+\s+\S*plugins\S*\s+(\S+)", line, re.IGNORECASE)
            if copy and stage == build.get("target", stage):
                found.append(copy.group(1).rstrip("/"))
        return found

    def local_path(self, source: str) -> Path | None:
        path = (self.base / source).resolve()
        return path if path.is_relative_to(self.repo.resolve()) else None

    def relative(self, path: Path) -> str:
        return str(path.resolve().relative_to(self.repo.resolve()))


def unpinned(image: str) -> str | None:
    """Why an image reference is not pinned to a version, or None when it is."""
    if "@sha256:" in image:
        return None
    name, _, tag = image.rpartition(":")
    if not name or "/" in tag:
        return "has no tag: pin a version"
    if "$" in tag:
        return "takes its version from a variable: pin it here"
    if not re.search(r"\d+\.\d+", tag):
        return f"is tagged {tag!r}, which moves: pin a version (major.minor at least)"
    return None


def dockerfile_stages(dockerfile: Path) -> list[tuple[str, str, int]]:
    """(stage name, base image, line) of every FROM."""
    stages = []
    for number, line in enumerate(dockerfile.read_text(encoding="utf-8").splitlines(), start=1):
        match = re.match(r"\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?", line, re.IGNORECASE)
        if match:
            stages.append((match.group(2) or "", match.group(1), number))
    return stages


def container_ports(service: object) -> set[int]:
    """The ports a service listens on inside the network: the container side of ports:, and expose:."""
    ports: set[int] = set()
    if not isinstance(service, dict):
        return ports
    for port in service.get("ports") or []:
        text = str(port.get("target", "")) if isinstance(port, dict) else str(port).rsplit(":", 1)[-1]
        if text.split("/")[0].isdigit():
            ports.add(int(text.split("/")[0]))
    for port in service.get("expose") or []:
        if str(port).split("/")[0].isdigit():
            ports.add(int(str(port).split("/")[0]))
    return ports


def bundle_connector_classes(repo: Path) -> set[str]:
    """Connector classes of this bundle that the committed connector configs deploy."""
    classes = set()
    for path in (repo / CONNECTOR_CONFIGS).glob("*.json"):
        connector = str(json.loads(path.read_text(encoding="utf-8")).get("connector.class", ""))
        if connector.startswith("dev.segmentation."):
            classes.add(connector)
    return classes


def check(repo: Path, compose_file: Path | None = None) -> list[Problem]:
    return Checker(repo, compose_file or repo / COMPOSE_FILE).check()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parents[2])
    arguments = parser.parse_args(argv)
    repo = arguments.repo.resolve()
    problems = [str(p) for p in check(repo)]
    import compose_tool  # only here: the static checks need no docker-compose

    try:
        errors = compose_tool.config_errors(compose_tool.ensure_docker_compose(), repo / COMPOSE_FILE,
                                            repo / ENV_EXAMPLE)
    except compose_tool.ComposeToolError as e:
        print(f"note: {e}")
    else:
        if errors:
            problems.append(f"{COMPOSE_FILE}:0: docker-compose config -q rejects it: {errors}")
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{COMPOSE_FILE} passes docker-compose config -q and the checks of docker/checks")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
