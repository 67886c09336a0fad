"""What ksql/migrations must agree with, read from the sources that define it, so that a change there is caught.

- the event topics and Avro record names: the ``EventType`` enum of the shared module segmentation-events;
- each event's fields: its ``<RecordName>.avsc`` beside that enum, in segmentation-events. That file is the one
  definition of the event: the simulator derives the schema it writes with from it (a Java test proves what it
  registers equals the file), and the Streams stage reads with it, so writer and reader schema are the same file;
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

EVENT_TYPE = Path("segmentation-events/src/main/java/dev/segmentation/events/EventType.java")
# The resources folder of EventType's package, where EventSchemaFiles loads <RecordName>.avsc from
EVENT_SCHEMAS = Path("segmentation-events/src/main/resources/dev/segmentation/events")
WINDOW = Path("connect-smt-window/streams/src/main/java/dev/segmentation/window")
STREAMS_PROPERTIES = Path("connector-configs/segmentation-streams.properties")
EVENT_NAMESPACE = "dev.segmentation.events"


class FactsError(Exception):
    """A source file the facts come from is missing or no longer has the expected shape."""


@dataclass(frozen=True)
class FieldType:
    type: str
    nullable: bool = False


@dataclass(frozen=True)
class EventTopic:
    topic: str  # the default topic, which the simulator writes and the stage reads
    record: str  # Avro record name, e.g. UserRegistration
    schema_path: Path  # the event's .avsc, relative to the repository: both the writer and the reader schema
    fields: dict[str, FieldType]  # in the order of the .avsc


@dataclass(frozen=True)
class StageFacts:
    events: dict[str, EventTopic]  # by topic
    # SIZE, ADVANCE BY, GRACE PERIOD -> what each must be, in ms, and where that comes from: the default, and the
    # committed properties of the deployed application when they set it
    window_ms: dict[str, list[tuple[int, str]]]
    outputs: dict[str, dict[str, FieldType]]  # output topic -> value fields, in order


def load(repo: Path) -> StageFacts:
    events = {}
    for topic, record in _event_types(_read(repo, EVENT_TYPE)).items():
        schema_path = EVENT_SCHEMAS / f"{record}.avsc"
        events[topic] = EventTopic(topic, record, schema_path, _event_fields(repo, schema_path, record))
    config = _read(repo, WINDOW / "SegmentationConfig.java")
    return StageFacts(events, _window_ms(config, repo / STREAMS_PROPERTIES), _outputs(repo, config))


def _read(repo: Path, relative: Path) -> str:
    try:
        return (repo / relative).read_text(encoding="utf-8")
    except OSError as e:
        raise FactsError(f"cannot read {relative}: {e.strerror}") from e


_EVENT_CONSTANT = re.compile(r'^\s*[A-Z][A-Z0-9_]*\(\s*"([^"]+)"\s*,\s*"([^"]+)"', re.MULTILINE)


def _event_types(enum_source: str) -> dict[str, str]:
    """Default topic -> Avro record name, from constants ``NAME("topic", "RecordName", ...)``."""
    topics = dict(_EVENT_CONSTANT.findall(enum_source))
    if not topics:
        raise FactsError(f'{EVENT_TYPE} lists no event type as NAME("default_topic", "RecordName", ...)')
    return topics


def _event_fields(repo: Path, schema_path: Path, record: str) -> dict[str, FieldType]:
    text = _read(repo, schema_path)
    try:
        schema = json.loads(text)
    except ValueError as e:
        raise FactsError(f"{schema_path} is not JSON: {e}") from e
    if not isinstance(schema, dict) or schema.get("type") != "record":
        raise FactsError(f"{schema_path} is not an Avro record schema")
    declared = f"{schema.get('namespace')}.{schema.get('name')}"
    if declared != f"{EVENT_NAMESPACE}.{record}":
        raise FactsError(f"{schema_path} declares the record {declared}, but {EVENT_TYPE.name} names the file "
                         f"for {EVENT_NAMESPACE}.{record}")
    fields = schema.get("fields")
    if not isinstance(fields, list) or not all(isinstance(f, dict) and "name" in f and "type" in f for f in fields):
        raise FactsError(f"{schema_path} has no list of fields, each with a name and a type")
    return {str(f["name"]): _avro_type(f["type"]) for f in fields}


def _avro_type(schema: object) -> FieldType:
    if isinstance(schema, list):
        branches = [branch for branch in schema if branch != "null"]
        if len(branches) == 1:
            return FieldType(_avro_type(branches[0]).type, nullable=len(branches) < len(schema))
        return FieldType("union")
    if isinstance(schema, dict):
        return FieldType(str(schema.get("logicalType") or schema.get("type")))
    return FieldType(str(schema))


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
    aggregates = _read(repo, WINDOW / "AggregateSchemas.java")
    users = _read(repo, WINDOW / "UserSegmentSchemas.java")
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
