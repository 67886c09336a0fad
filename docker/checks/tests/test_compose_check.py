"""Each rule of compose_check, and Compose's own validation, proven on a broken copy of docker-compose.yml.

Every test copies what the file refers to into a fresh repository, breaks one thing, and asserts the problem
reported: the file, the line and the reason.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import compose_check
import compose_tool
import pytest

REPO = Path(__file__).resolve().parents[3]
COPIED = ["docker-compose.yml", ".env.example", ".gitignore", "docker", "connector-configs", "ksql", "airflow"]
COMPOSE = "docker-compose.yml"


@pytest.fixture(scope="session")
def docker_compose() -> str:
    """Debian's docker-compose, installed here when it is missing (the machine's first run)."""
    try:
        return compose_tool.ensure_docker_compose()
    except compose_tool.ComposeToolError as e:
        pytest.fail(str(e))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "target"))
        else:
            shutil.copy(source, tmp_path / name)
    return tmp_path


def break_file(repo: Path, relative: str, old: str, new: str) -> int:
    """Replaces the one occurrence of ``old`` and returns the line it starts on."""
    path = repo / relative
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {relative}"
    path.write_text(text.replace(old, new))
    return text[:text.index(old)].count("\n") + 1


def line_of(repo: Path, relative: str, text: str) -> int:
    content = (repo / relative).read_text()
    assert content.count(text) == 1, f"{text!r} occurs {content.count(text)} times in {relative}"
    return content[:content.index(text)].count("\n") + 1


def assert_reported(repo: Path, file: str, line: int, *reason: str) -> None:
    found = [str(p) for p in compose_check.check(repo)]
    matching = [p for p in found if p.startswith(f"{file}:{line}: ") and all(part in p for part in reason)]
    assert matching, f"expected {file}:{line}: ... {reason} among {found}"


def test_the_committed_file_passes(repo: Path, docker_compose: str) -> None:
    assert [str(p) for p in compose_check.check(REPO)] == []
    assert compose_tool.config_errors(docker_compose, REPO / COMPOSE, REPO / ".env.example") == ""
    assert compose_check.check(repo) == []


def test_compose_rejects_a_top_level_name(repo: Path, docker_compose: str) -> None:
    path = repo / COMPOSE
    path.write_text("name: segmentation\n" + path.read_text())
    assert "'name' does not match" in compose_tool.config_errors(docker_compose, path, repo / ".env.example")
    assert_reported(repo, COMPOSE, 1, "top-level key 'name' is not one Compose 1.x accepts")


def test_compose_rejects_an_unknown_service_key(repo: Path, docker_compose: str) -> None:
    break_file(repo, COMPOSE, "    hostname: kafka\n", "    hostnme: kafka\n")
    errors = compose_tool.config_errors(docker_compose, repo / COMPOSE, repo / ".env.example")
    assert "Unsupported config option for services.kafka: 'hostnme'" in errors


def test_a_dependency_that_is_not_a_service(repo: Path) -> None:
    line = break_file(repo, COMPOSE, "      postgres:\n        condition: service_healthy\n    environment:\n"
                                     "      CONNECT_BOOTSTRAP_SERVERS",
                      "      postgresql:\n        condition: service_healthy\n    environment:\n"
                      "      CONNECT_BOOTSTRAP_SERVERS")
    assert_reported(repo, COMPOSE, line, "connect depends on postgresql, which is not a service")


def test_a_dependency_without_a_healthcheck(repo: Path) -> None:
    break_file(repo, COMPOSE,
               '    healthcheck:\n      test: ["CMD-SHELL", "curl -fsS http://localhost:8081/subjects >/dev/null"]\n'
               "      interval: 10s\n      timeout: 5s\n      retries: 12\n      start_period: 15s\n", "")
    content = (repo / COMPOSE).read_text()
    connect = content.index("  connect:\n")
    line = content[:content.index("      schema-registry:\n", connect)].count("\n") + 1
    assert_reported(repo, COMPOSE, line, "connect waits for schema-registry to be healthy, but schema-registry has "
                                         "no healthcheck")


def test_a_dependency_that_only_waits_for_a_start(repo: Path) -> None:
    line = break_file(repo, COMPOSE, "      ksqldb-server:\n        condition: service_healthy\n      connect:\n",
                      "      ksqldb-server:\n        condition: service_started\n      connect:\n")
    assert_reported(repo, COMPOSE, line, "ksqldb-init depends on ksqldb-server with condition service_started")


def test_waiting_for_the_completion_of_a_service_that_restarts(repo: Path) -> None:
    break_file(repo, COMPOSE, '    command: ["db", "migrate"]\n    restart: "no"\n',
               '    command: ["db", "migrate"]\n    restart: unless-stopped\n')
    line = line_of(repo, COMPOSE, "      airflow-init:\n")
    assert_reported(repo, COMPOSE, line, "airflow-api-server waits for airflow-init to complete, but airflow-init "
                                         "restarts")


@pytest.mark.parametrize(("image", "reason"), [
    ("postgres:latest", "is tagged 'latest', which moves"),
    ("postgres:17", "is tagged '17', which moves"),
    ("postgres", "has no tag"),
])
def test_an_image_that_is_not_pinned(repo: Path, image: str, reason: str) -> None:
    line = break_file(repo, COMPOSE, "    image: postgres:17.6\n", f"    image: {image}\n")
    assert_reported(repo, COMPOSE, line, f"image {image} of postgres {reason}")


def test_a_base_image_that_is_not_pinned(repo: Path) -> None:
    line = break_file(repo, "docker/Dockerfile", "FROM maven:3.9.11-eclipse-temurin-17 AS build",
                      "FROM maven:3-eclipse-temurin-17 AS build")
    assert_reported(repo, "docker/Dockerfile", line, "base image maven:3-eclipse-temurin-17 is tagged")


def test_a_build_target_that_is_no_stage(repo: Path) -> None:
    line = break_file(repo, COMPOSE, "      target: streams\n", "      target: stream\n")
    assert_reported(repo, COMPOSE, line, "build target stream of streams is not a stage of docker/Dockerfile")


def test_a_dockerfile_that_does_not_exist(repo: Path) -> None:
    (repo / "docker" / "Dockerfile").unlink()
    line = line_of(repo, COMPOSE, "      target: connect\n") - 1
    assert_reported(repo, COMPOSE, line, "Dockerfile docker/Dockerfile of connect does not exist")


def test_a_build_context_that_does_not_exist(repo: Path) -> None:
    text = (repo / COMPOSE).read_text()
    (repo / COMPOSE).write_text(text.replace("      context: .\n", "      context: ./images\n"))
    line = line_of(repo, COMPOSE, "      target: connect\n") - 2
    assert_reported(repo, COMPOSE, line, "build context ./images of connect is not a folder of the repository")


def test_a_mounted_path_that_does_not_exist(repo: Path) -> None:
    shutil.rmtree(repo / "ksql")
    line = line_of(repo, COMPOSE, "      - ./ksql:/ksql:ro\n")
    assert_reported(repo, COMPOSE, line, "ksqldb-init mounts ./ksql, which does not exist in the repository")


def test_a_mount_from_outside_the_repository(repo: Path) -> None:
    line = break_file(repo, COMPOSE, "      - ./docker/ksqldb:/scripts:ro\n", "      - /etc:/scripts:ro\n")
    assert_reported(repo, COMPOSE, line, "ksqldb-init mounts /etc, which is outside the repository")


def test_a_named_volume_that_is_not_declared(repo: Path) -> None:
    break_file(repo, COMPOSE, "  streams-state:\n", "")
    line = line_of(repo, COMPOSE, "      - streams-state:/var/lib/segmentation\n")
    assert_reported(repo, COMPOSE, line, "streams mounts volume streams-state, which is not declared")


@pytest.mark.parametrize("published", ['"${CONNECT_HOST_PORT:-28083}:8083"', '"0.0.0.0:28083:8083"', "8083"])
def test_a_port_published_on_every_interface(repo: Path, published: str) -> None:
    line = break_file(repo, COMPOSE, '      - "127.0.0.1:${CONNECT_HOST_PORT:-28083}:8083"\n', f"      - {published}\n")
    assert_reported(repo, COMPOSE, line, "connect publishes", "bind it to 127.0.0.1")


def test_a_host_that_is_not_a_service(repo: Path) -> None:
    line = break_file(repo, COMPOSE, "      SCHEMA_REGISTRY_URL: http://schema-registry:8081\n      POSTGRES_JDBC_URL",
                      "      SCHEMA_REGISTRY_URL: http://registry:8081\n      POSTGRES_JDBC_URL")
    assert_reported(repo, COMPOSE, line, "SCHEMA_REGISTRY_URL of connect names host registry, which is not a service")


def test_a_port_the_service_does_not_listen_on(repo: Path) -> None:
    line = break_file(repo, COMPOSE, "      POSTGRES_JDBC_URL: jdbc:postgresql://postgres:5432/segmentation\n",
                      "      POSTGRES_JDBC_URL: jdbc:postgresql://postgres:5433/segmentation\n")
    assert_reported(repo, COMPOSE, line, "POSTGRES_JDBC_URL of connect names postgres:5433, but postgres listens on "
                                         "5432")


def test_an_address_in_a_connector_config(repo: Path) -> None:
    config = "connector-configs/jdbc-sink-aggregates.json"
    line = break_file(repo, config, '"${env:POSTGRES_JDBC_URL}"', '"jdbc:postgresql://warehouse:5432/segmentation"')
    assert_reported(repo, config, line, "connection.url names host warehouse, which is not a service")


def test_a_connector_config_variable_the_worker_lacks(repo: Path) -> None:
    break_file(repo, COMPOSE, "      POSTGRES_JDBC_URL: jdbc:postgresql://postgres:5432/segmentation\n", "")
    config = "connector-configs/jdbc-sink-aggregates.json"
    assert_reported(repo, config, line_of(repo, config, "${env:POSTGRES_JDBC_URL}"),
                    "${env:POSTGRES_JDBC_URL} is not set in the environment of connect")


def test_a_streams_property_variable_the_application_lacks(repo: Path) -> None:
    break_file(repo, COMPOSE, "      SEGMENTATION_STATE_DIR: /var/lib/segmentation/state\n", "")
    properties = "connector-configs/segmentation-streams.properties"
    assert_reported(repo, properties, line_of(repo, properties, "${env:SEGMENTATION_STATE_DIR}"),
                    "${env:SEGMENTATION_STATE_DIR} is not set in the environment of streams")


def test_a_literal_secret(repo: Path) -> None:
    line = break_file(repo, COMPOSE, "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n      AIRFLOW_DB_PASSWORD",
                      "      POSTGRES_PASSWORD: hunter2\n      AIRFLOW_DB_PASSWORD")
    assert_reported(repo, COMPOSE, line, "POSTGRES_PASSWORD of postgres holds a literal")


def test_a_variable_missing_from_the_env_example(repo: Path) -> None:
    break_file(repo, ".env.example", "AIRFLOW_JWT_SECRET=change-me\n", "")
    line = line_of(repo, COMPOSE, "AIRFLOW__API_AUTH__JWT_SECRET: ${AIRFLOW_JWT_SECRET}")
    assert_reported(repo, COMPOSE, line, "${AIRFLOW_JWT_SECRET} has no default and is not in .env.example")


def test_an_env_file_that_git_would_commit(repo: Path) -> None:
    break_file(repo, ".gitignore", ".env\n", "")
    assert_reported(repo, ".gitignore", 0, ".gitignore does not list it")


def test_kafka_cluster_id_is_not_read_by_confluent_images(repo: Path) -> None:
    line = break_file(repo, COMPOSE, "      CLUSTER_ID: ${KAFKA_CLUSTER_ID}\n",
                      "      KAFKA_CLUSTER_ID: ${KAFKA_CLUSTER_ID}\n")
    assert_reported(repo, COMPOSE, line, "Confluent's images read CLUSTER_ID for KRaft, not KAFKA_CLUSTER_ID")


def test_the_bundle_must_be_on_the_plugin_path(repo: Path) -> None:
    line = break_file(repo, COMPOSE, ",/opt/segmentation/plugins\n", "\n")
    assert_reported(repo, COMPOSE, line, "CONNECT_PLUGIN_PATH of connect must include", "/opt/segmentation/plugins")


def test_the_plugin_path_must_follow_the_dockerfile(repo: Path) -> None:
    break_file(repo, "docker/Dockerfile", "COPY --from=build /out/plugins /opt/segmentation/plugins",
               "COPY --from=build /out/plugins /usr/share/segmentation")
    line = line_of(repo, COMPOSE, "      CONNECT_PLUGIN_PATH:")
    assert_reported(repo, COMPOSE, line, "must include the folder the Dockerfile unpacks the bundle into "
                                         "(/usr/share/segmentation)")


def test_plugin_discovery_must_be_hybrid_warn(repo: Path) -> None:
    line = break_file(repo, COMPOSE, "      CONNECT_PLUGIN_DISCOVERY: hybrid_warn\n",
                      "      CONNECT_PLUGIN_DISCOVERY: service_load\n")
    assert_reported(repo, COMPOSE, line, "needs CONNECT_PLUGIN_DISCOVERY: hybrid_warn")


def test_connect_healthcheck_must_find_our_connector(repo: Path) -> None:
    break_file(repo, COMPOSE, "/connector-plugins | grep -q dev.segmentation.simulator.UserEventSourceConnector",
               "/connectors")
    line = line_of(repo, COMPOSE, "      # Ready means our plugins were discovered") - 1
    assert_reported(repo, COMPOSE, line, "connect's healthcheck must find our connector class")


def test_registry_healthcheck_must_ask_for_subjects(repo: Path) -> None:
    break_file(repo, COMPOSE, "http://localhost:8081/subjects", "http://localhost:8081/")
    line = line_of(repo, COMPOSE, "http://localhost:8081/") - 1
    assert_reported(repo, COMPOSE, line, "schema-registry's healthcheck must ask the registry for /subjects")


def test_ksqldb_collection_limits_need_two_underscores(repo: Path) -> None:
    line = break_file(repo, COMPOSE, "      KSQL_KSQL_FUNCTIONS_COLLECT__SET_LIMIT: 1000000\n",
                      "      KSQL_KSQL_FUNCTIONS_COLLECT_SET_LIMIT: 1000000\n")
    assert_reported(repo, COMPOSE, line, "KSQL_KSQL_FUNCTIONS_COLLECT_SET_LIMIT sets ksql.functions.collect.set.limit")


def test_ksqldb_collection_limits_must_be_raised(repo: Path) -> None:
    break_file(repo, COMPOSE, "      KSQL_KSQL_FUNCTIONS_COLLECT__LIST_LIMIT: 1000000\n", "")
    text = (repo / COMPOSE).read_text()
    line = text[:text.index("    environment:\n      KSQL_BOOTSTRAP_SERVERS")].count("\n") + 1
    assert_reported(repo, COMPOSE, line, "ksqldb-server lacks KSQL_KSQL_FUNCTIONS_COLLECT__LIST_LIMIT")


def test_airflow_needs_the_execution_api_url(repo: Path) -> None:
    break_file(repo, COMPOSE, "    AIRFLOW__CORE__EXECUTION_API_SERVER_URL: http://airflow-api-server:8080/execution/\n",
               "")
    found = [str(p) for p in compose_check.check(repo)]
    lacking = [p for p in found if "lacks AIRFLOW__CORE__EXECUTION_API_SERVER_URL" in p]
    # the init service and the four components share the setting, from the anchor's environment
    line = line_of(repo, COMPOSE, "  environment: &airflow-environment")
    assert sorted(p.split(" ")[1] for p in lacking) == ["airflow-api-server", "airflow-dag-processor", "airflow-init",
                                                        "airflow-scheduler", "airflow-triggerer"]
    assert all(p.startswith(f"{COMPOSE}:{line}: ") for p in lacking)


def test_airflow_runs_the_local_executor(repo: Path) -> None:
    line = break_file(repo, COMPOSE, "    AIRFLOW__CORE__EXECUTOR: LocalExecutor\n",
                      "    AIRFLOW__CORE__EXECUTOR: CeleryExecutor\n")
    assert_reported(repo, COMPOSE, line, "airflow-triggerer must run the LocalExecutor")


def test_every_airflow_service_mounts_the_airflow_folder(repo: Path) -> None:
    break_file(repo, COMPOSE, "  volumes:\n    - ./airflow:/opt/airflow/segmentation:ro\n", "")
    assert_reported(repo, COMPOSE, line_of(repo, COMPOSE, "  airflow-scheduler:\n"),
                    "airflow-scheduler does not mount ./airflow")


def test_every_part_of_the_stack_is_there(repo: Path) -> None:
    break_file(repo, COMPOSE, '  airflow-triggerer:\n    <<: *airflow-common\n', '  airflow-triggering:\n'
                                                                               '    <<: *airflow-common\n')
    line = line_of(repo, COMPOSE, "services:\n") + 1
    assert_reported(repo, COMPOSE, line, "the stack needs a service named airflow-triggerer")


def test_the_command_reports_and_fails(repo: Path, docker_compose: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert docker_compose
    assert compose_check.main(["--repo", str(repo)]) == 0
    line = break_file(repo, COMPOSE, "    image: postgres:17.6\n", "    image: postgres:latest\n")
    capsys.readouterr()
    assert compose_check.main(["--repo", str(repo)]) == 1
    assert f"{COMPOSE}:{line}: image postgres:latest of postgres" in capsys.readouterr().out


def test_an_installed_docker_compose_is_used_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")

    def no_install(*args: object, **kwargs: object) -> None:
        raise AssertionError("nothing must be installed")

    monkeypatch.setattr(subprocess, "run", no_install)
    assert compose_tool.ensure_docker_compose() == "/usr/bin/docker-compose"


def test_a_failed_install_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/apt-get" if name == "apt-get" else None)
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    commands: list[list[str]] = []

    def failing(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        commands.append(command)
        if command[1] == "update":
            return subprocess.CompletedProcess(command, 0, "", "")
        return subprocess.CompletedProcess(command, 100, "", "E: Unable to locate package docker-compose")

    monkeypatch.setattr(subprocess, "run", failing)
    with pytest.raises(compose_tool.ComposeToolError) as error:
        compose_tool.ensure_docker_compose()
    assert "apt-get install -y docker-compose` failed" in str(error.value)
    assert "Unable to locate package docker-compose" in str(error.value)
    assert [c[1] for c in commands] == ["install", "update", "install"]


def test_without_root_it_says_to_install_by_hand(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/apt-get" if name == "apt-get" else None)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(compose_tool.ComposeToolError, match="would need root"):
        compose_tool.ensure_docker_compose()
