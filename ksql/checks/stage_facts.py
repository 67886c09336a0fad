"""What ksql/migrations must agree with, read from the sources that define it, so that a change there is caught.

- the simulator's topics: the ``EventType`` enum of connect-source-simulator;
- the simulator's writer schemas: the Connect schemas built in its ``EventSchemas``;
- the segmentation stage's reader schemas: every ``*.avsc`` of namespace ``dev.segmentation.events`` in the
  repository (outside build output), wherever a module keeps them;
- the window defaults: ``SegmentationConfig``'s ``WINDOW_*_DEFAULT`` constants, overridden by the committed
  ``connector-configs/segmentation-streams.properties`` when it sets them;
- the output topics and their fields: ``SegmentationConfig``'s ``*_OUTPUT_TOPIC_DEFAULT`` constants and the
  schemas built in ``AggregateSchemas`` and ``UserSegmentSchemas``.

Types are named the Avro way: string, int, long, double, boolean, timestamp-millis.
"""
from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

SIMULATOR = Path("connect-source-simulator/src/main/java/dev/segmentation/simulator")
WINDOW = Path("connect-smt-window/src/main/java/dev/segmentation/window")
STREAMS_PROPERTIES = Path("connector-configs/segmentation-streams.properties")
EVENT_NAMESPACE = "dev.segmentation.events"
_SKIPPED_DIRS = {"target", ".pipeline", ".git", "node_modules", ".venv"}


class FactsError(Exception):
    """A source file the facts come from is missing or no longer has the expected shape."""


@dataclass(frozen=True)
class FieldType:
    type: str
    nullable: bool = False


@dataclass(frozen=True)
class EventTopic:
    topic: str
    record: str  # Avro record name, e.g. UserRegistration
    writer: dict[str, FieldType]  # the simulator's schema
    reader: dict[str, FieldType] | None  # the segmentation stage's .avsc, if one was found
    reader_path: Path | None


@dataclass(frozen=True)
class StageFacts:
    events: dict[str, EventTopic]  # by topic
    # SIZE, ADVANCE BY, GRACE PERIOD -> what each must be, in ms, and where that comes from: the default, and the
    # committed properties of the deployed application when they set it
    window_ms: dict[str, list[tuple[int, str]]]
    outputs: dict[str, dict[str, FieldType]]  # output topic -> value fields, in order


def load(repo: Path) -> StageFacts:
    records = _writer_schemas(_read(repo / SIMULATOR / "journey" / "EventSchemas.java"))
    readers = _reader_schemas(repo)
    events = {}
    for constant, topic in _event_topics(_read(repo / SIMULATOR / "journey" / "EventType.java")).items():
        if constant not in records:
            raise FactsError(f"EventSchemas.java has no schema {constant} for topic {topic}")
        record, writer = records[constant]
        reader_path, reader = readers.get(record, (None, None))
        events[topic] = EventTopic(topic, record, writer, reader, reader_path)
    config = _read(repo / WINDOW / "SegmentationConfig.java")
    return StageFacts(events, _window_ms(config, repo / STREAMS_PROPERTIES), _outputs(repo, config))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as e:
        raise FactsError(f"cannot read {path}: {e.strerror}") from e


def _event_topics(enum_source: str) -> dict[str, str]:
    topics = dict(re.findall(r"^\s*([A-Z_]+)\(\"([a-z_]+)\"\)", enum_source, re.MULTILINE))
    if not topics:
        raise FactsError("EventType.java lists no event type with its default topic")
    return topics


_CONNECT_TYPES = {"string": "string", "int8": "int", "int16": "int", "int32": "int", "int64": "long",
                  "float32": "float", "float64": "double", "bool": "boolean", "bytes": "bytes"}


def _connect_type(expression: str, helpers: dict[str, str]) -> FieldType:
    nullable = ".optional()" in expression
    if expression.startswith("Timestamp."):
        return FieldType("timestamp-millis", nullable)
    match = re.match(r"SchemaBuilder\.(\w+)\(\)", expression)
    if match and match.group(1) in _CONNECT_TYPES:
        return FieldType(_CONNECT_TYPES[match.group(1)], nullable)
    match = re.match(r"(\w+)\(", expression)
    if match and match.group(1) in helpers:
        return FieldType(helpers[match.group(1)], nullable)
    raise FactsError(f"EventSchemas.java: cannot tell the Connect type of {expression[:60]!r}")


def _fields(block: str, helpers: dict[str, str]) -> dict[str, FieldType]:
    return {name: _connect_type(expression, helpers)
            for name, expression in re.findall(r"\.field\(\"(\w+)\",\s*([^\n]+)", block)}


def _writer_schemas(source: str) -> dict[str, tuple[str, dict[str, FieldType]]]:
    """Constant name -> (record name, fields) from the simulator's Connect schema builders."""
    helpers = {name: _CONNECT_TYPES[kind] for name, kind in re.findall(
        r"private static Schema (\w+)\(String doc\)\s*\{\s*return SchemaBuilder\.(\w+)\(\)", source)}
    common = re.search(r"private static SchemaBuilder event\(.*?\n    \}", source, re.DOTALL)
    if common is None:
        raise FactsError("EventSchemas.java has no event(...) builder of the fields every event shares")
    common_fields = _fields(common.group(), helpers)
    schemas = {}
    for constant, record, body in re.findall(
            r"public static final Schema (\w+) = event\(\"(\w+)\",(.*?)\.build\(\);", source, re.DOTALL):
        schemas[constant] = (record, {**common_fields, **_fields(body, helpers)})
    if not schemas:
        raise FactsError("EventSchemas.java builds no event schema with event(...)")
    return schemas


def _avro_type(schema: object) -> FieldType:
    if isinstance(schema, list):
        branches = [branch for branch in schema if branch != "null"]
        if len(branches) == 1:
            return FieldType(_avro_type(branches[0]).type, nullable=len(branches) < len(schema))
        return FieldType("union")
    if isinstance(schema, dict):
        return FieldType(str(schema.get("logicalType") or schema.get("type")))
    return FieldType(str(schema))


def avsc_files(repo: Path) -> list[Path]:
    """Every .avsc in the repository outside build output and tool folders."""
    found = []
    for path in sorted(repo.rglob("*.avsc")):
        if not _SKIPPED_DIRS.intersection(path.relative_to(repo).parts):
            found.append(path)
    return found


def _reader_schemas(repo: Path) -> dict[str, tuple[Path, dict[str, FieldType]]]:
    readers = {}
    for path in avsc_files(repo):
        try:
            schema = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as e:
            raise FactsError(f"{path.relative_to(repo)} is not JSON: {e}") from e
        if isinstance(schema, dict) and schema.get("namespace") == EVENT_NAMESPACE and schema.get("type") == "record":
            fields = {f["name"]: _avro_type(f["type"]) for f in schema.get("fields", [])}
            readers[str(schema["name"])] = (path.relative_to(repo), fields)
    return readers


_DURATION = re.compile(r"Duration\.of(Millis|Seconds|Minutes|Hours|Days)\((\d+)\)\.toMillis\(\)")
_DURATION_MS = {"Millis": 1, "Seconds": 1000, "Minutes": 60_000, "Hours": 3_600_000, "Days": 86_400_000}


def java_long_constants(source: str) -> dict[str, int]:
    """Every ``static final long|int NAME = <expression>;`` whose expression is arithmetic over literals,
    ``Duration.ofX(n).toMillis()`` and constants defined before it."""
    values: dict[str, int] = {}
    for name, expression in re.findall(r"static final (?:long|int) (\w+) = ([^;]+);", source):
        text = _DURATION.sub(lambda m: str(int(m.group(2)) * _DURATION_MS[m.group(1)]), expression)
        text = re.sub(r"\b(\d[\d_]*)[lL]?\b", lambda m: m.group(1).replace("_", ""), text)
        text = re.sub(r"\b([A-Z][A-Z0-9_]*)\b", lambda m: str(values.get(m.group(1), m.group(1))), text)
        value = _arithmetic(text)
        if value is not None:
            values[name] = value
    return values


def _arithmetic(text: str) -> int | None:
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        return None

    def evaluate(node: ast.AST) -> int | None:
        if isinstance(node, ast.Expression):
            return evaluate(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Add, ast.Sub)):
            left, right = evaluate(node.left), evaluate(node.right)
            if left is None or right is None:
                return None
            if isinstance(node.op, ast.Mult):
                return left * right
            return left + right if isinstance(node.op, ast.Add) else left - right
        return None

    return evaluate(tree)


def _window_ms(config_source: str, properties: Path) -> dict[str, list[tuple[int, str]]]:
    constants = java_long_constants(config_source)
    keys = {"SIZE": "WINDOW_SIZE", "ADVANCE BY": "WINDOW_ADVANCE", "GRACE PERIOD": "WINDOW_GRACE"}
    overrides = _properties(properties) if properties.exists() else {}
    window: dict[str, list[tuple[int, str]]] = {}
    for label, prefix in keys.items():
        config_key = re.search(rf"{prefix}_CONFIG = \"([^\"]+)\"", config_source)
        if f"{prefix}_DEFAULT" not in constants or config_key is None:
            raise FactsError(f"SegmentationConfig.java: cannot read {prefix}_DEFAULT and {prefix}_CONFIG")
        window[label] = [(constants[f"{prefix}_DEFAULT"], f"SegmentationConfig.{prefix}_DEFAULT")]
        if config_key.group(1) in overrides:
            key = config_key.group(1)
            window[label].append((int(overrides[key]), f"{key} in {STREAMS_PROPERTIES}"))
    return window


def _properties(path: Path) -> dict[str, str]:
    result = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "!")) and "=" in line:
            key, value = line.split("=", 1)
            result[key.strip()] = value.strip()
    return result


_BUILDER_TYPES = {"TIMESTAMP": FieldType("timestamp-millis"), "OPTIONAL_TIMESTAMP": FieldType("timestamp-millis", True),
                  "OPTIONAL_DOUBLE": FieldType("double", True)}
_FIELD = re.compile(r"\.name\(\"(\w+)\"\)(?:(?!\.name\().)*?\.type\((?:(\w+)\)|\)\.(\w+)Type\(\))", re.DOTALL)


def _builder_fields(block: str) -> dict[str, FieldType]:
    fields = {}
    for name, constant, primitive in _FIELD.findall(block):
        if constant:
            if constant not in _BUILDER_TYPES:
                raise FactsError(f"unknown schema constant {constant} for field {name}")
            fields[name] = _BUILDER_TYPES[constant]
        else:
            fields[name] = FieldType(primitive)
    return fields


def _outputs(repo: Path, config_source: str) -> dict[str, dict[str, FieldType]]:
    aggregates = _read(repo / WINDOW / "AggregateSchemas.java")
    users = _read(repo / WINDOW / "UserSegmentSchemas.java")
    row = re.search(r"private static Schema windowRow\((.*?)\n    \}", aggregates, re.DOTALL)
    if row is None:
        raise FactsError("AggregateSchemas.java has no windowRow(...) builder")
    before, _, after = row.group(1).partition("metricFields.accept")
    head, tail = _builder_fields(before), _builder_fields(after)
    schemas: dict[str, dict[str, FieldType]] = {}
    for constant, block in re.findall(r"public static final Schema (\w+) = windowRow\((.*?)(?=public static final|"
                                      r"private AggregateSchemas)", aggregates, re.DOTALL):
        schemas[constant] = {**head, **_builder_fields(block), **tail}
    value = re.search(r"public static final Schema VALUE = (.*?)\.endRecord\(\);", users, re.DOTALL)
    if value is None:
        raise FactsError("UserSegmentSchemas.java has no VALUE schema")
    outputs = {}
    for topic_constant, topic in re.findall(r"(\w+)_OUTPUT_TOPIC_DEFAULT = \"([^\"]+)\"", config_source):
        if topic_constant == "USER_SEGMENTS":
            outputs[topic] = _builder_fields(value.group(1))
        elif topic.upper() in schemas:
            outputs[topic] = schemas[topic.upper()]
        else:
            raise FactsError(f"AggregateSchemas.java has no schema {topic.upper()} for output topic {topic}")
    if not outputs:
        raise FactsError("SegmentationConfig.java names no *_OUTPUT_TOPIC_DEFAULT")
    return outputs
