"""Checks that ksql/migrations computes what the Streams stage computes, from the same topics and fields.

    python3 ksql/checks/ksql_check.py [--repo DIR]

Prints one line per problem, ``file:line: reason``, and exits with 1 when there is any. The rules:

- every stream or table declared over a topic reads one of the simulator's event topics, as Avro;
- each of its columns is a field of that topic's event schema, with a compatible type (the key, the user id as
  text, excepted): the event's .avsc in segmentation-events, which the simulator writes with and the segmentation
  stage reads with;
- every column a query reads exists in the streams and tables it reads from;
- every windowed table is a hopping window whose size, advance and grace equal the Streams stage's, and emits
  final results only;
- every windowed table writes ``ksql_<topic>`` for one of the Streams stage's output topics, and its value columns
  are that topic's fields, by name and type;
- INSERT INTO writes the columns of the stream it writes to;
- every output topic of the Streams stage has its windowed table, unless it is one ksqlDB cannot express
  (``NOT_EXPRESSIBLE``, each with the reason ksql/README.md gives).
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import stage_facts
from sql_statements import Column, Query, SqlError, Statement, Token, normalize_type, read_file, split_top_level

MIGRATIONS = Path("ksql/migrations")
OUTPUT_TOPIC_PREFIX = "ksql_"
PSEUDO_COLUMNS = {"ROWTIME": "BIGINT", "ROWPARTITION": "INT", "ROWOFFSET": "BIGINT",
                  "WINDOWSTART": "BIGINT", "WINDOWEND": "BIGINT"}
KEYWORDS = {"CASE", "WHEN", "THEN", "ELSE", "END", "AND", "OR", "NOT", "NULL", "IS", "IN", "LIKE", "BETWEEN",
            "TRUE", "FALSE", "DISTINCT", "INTERVAL", "AS"}
# Avro (as the stage's schemas name it) -> the ksqlDB types that read or write it
COMPATIBLE = {"string": {"VARCHAR"}, "int": {"INT"}, "long": {"BIGINT"}, "double": {"DOUBLE"},
              "float": {"DOUBLE"}, "boolean": {"BOOLEAN"}, "timestamp-millis": {"TIMESTAMP"}, "bytes": {"BYTES"}}
# Output topics of the Streams stage that ksql/migrations does not compute, and why (see ksql/README.md)
NOT_EXPRESSIBLE = {
    "segment_late_events": "ksqlDB drops an event beyond the grace period without a trace",
    "user_segments": "lifecycle and value segments change without events, on event-time timers ksqlDB has not",
}
FUNCTION_TYPES = {"COUNT": "BIGINT", "AVG": "DOUBLE", "FROM_UNIXTIME": "TIMESTAMP", "UNIX_TIMESTAMP": "BIGINT",
                  "CONCAT": "VARCHAR", "ARRAY_LENGTH": "INT", "COUNT_DISTINCT": "BIGINT"}
# Functions whose result has the type of their first argument
FIRST_ARGUMENT_TYPE = {"SUM", "MIN", "MAX", "AS_VALUE", "LATEST_BY_OFFSET", "EARLIEST_BY_OFFSET", "COALESCE", "IFNULL",
                       "ABS"}


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


class Checker:
    def __init__(self, repo: Path, facts: stage_facts.StageFacts):
        self.repo = repo
        self.facts = facts
        self.problems: list[Problem] = []
        self.relations: dict[str, dict[str, str]] = {}  # name -> column -> ksqlDB type ("" when unknown)
        self.produced: set[str] = set()  # the stage's output topics that a windowed table computes

    def report(self, statement: Statement | Path, line: int, reason: str) -> None:
        path = statement.path if isinstance(statement, Statement) else statement
        self.problems.append(Problem(path.relative_to(self.repo) if path.is_absolute() else path, line, reason))

    def check(self, files: list[Path]) -> list[Problem]:
        if not files:
            self.report(self.repo / MIGRATIONS, 0, "no migration files V<number>__<what>.sql")
        for path in files:
            try:
                statements = read_file(path)
            except SqlError as e:
                self.report(e.path, e.line, e.reason)
                continue
            for statement in statements:
                if statement.kind == "source":
                    self.check_source(statement)
                else:
                    self.check_query(statement)
        for topic in self.facts.outputs:
            if topic not in self.produced and topic not in NOT_EXPRESSIBLE:
                self.report(self.repo / MIGRATIONS, 0, f"the Streams stage writes {topic}, and no windowed table "
                                                       f"writes {OUTPUT_TOPIC_PREFIX}{topic}: add one, or list it in "
                                                       f"NOT_EXPRESSIBLE of ksql_check.py with the reason")
        return self.problems

    # Streams and tables declared over a topic

    def check_source(self, statement: Statement) -> None:
        topic, line = statement.properties.get("KAFKA_TOPIC", ("", statement.line))
        value_format, format_line = statement.properties.get("VALUE_FORMAT", ("", statement.line))
        event = self.facts.events.get(topic)
        if event is None:
            self.report(statement, line, f"{statement.name} reads topic {topic!r}, which is not one of the "
                                         f"simulator's topics ({', '.join(sorted(self.facts.events))})")
        if value_format.upper() != "AVRO":
            self.report(statement, format_line, f"{statement.name} must read VALUE_FORMAT='AVRO', as the "
                                                f"simulator writes, not {value_format or 'nothing'!r}")
        self.relations[statement.name] = {c.name: c.type for c in statement.columns}
        if event is None:
            return
        for column in statement.columns:
            if column.key:
                if column.type != "VARCHAR":
                    self.report(statement, column.line, f"key column {column.name} must be VARCHAR: the simulator "
                                                        f"keys events by the user id as text")
                continue
            self.check_event_column(statement, column, event)

    def check_event_column(self, statement: Statement, column: Column, event: stage_facts.EventTopic) -> None:
        # One schema: the simulator's writer schema and the stage's reader schema are the same .avsc
        field = event.fields.get(column.name)
        if field is None:
            hint = ""
            if column.name.lower() in event.fields:
                hint = f" (ksqlDB upper-cases unquoted names: write `{column.name.lower()}`)"
            self.report(statement, column.line, f"column {column.name} of {statement.name} is not a field of "
                                                f"{event.record} in {event.schema_path}{hint}")
        elif column.type not in COMPATIBLE.get(field.type, set()):
            self.report(statement, column.line, f"column {column.name} of {statement.name} is {column.type}, but "
                                                f"{event.record}.{column.name} in {event.schema_path} is "
                                                f"{field.type}: declare it "
                                                f"{' or '.join(sorted(COMPATIBLE.get(field.type, {'?'})))}")

    # CREATE ... AS SELECT and INSERT INTO ... SELECT

    def check_query(self, statement: Statement) -> None:
        query = statement.query
        assert query is not None
        scope: dict[str, dict[str, str]] = {}
        for relation in query.relations:
            columns = self.relations.get(relation.name)
            if columns is None:
                self.report(statement, relation.line, f"{relation.name} is not a stream or table created before this "
                                                      f"statement")
                columns = {}
            scope[relation.alias] = columns
        for expression in query.expressions:
            self.check_references(statement, expression, scope)
        output = {item.name: infer_type(item.expression, scope) or "" for item in query.items}
        if statement.kind == "insert":
            self.check_insert(statement, output)
            return
        self.relations[statement.name] = output
        if query.window is not None:
            self.check_window(statement, query)
            self.check_output(statement, query, scope)

    def check_references(self, statement: Statement, tokens: list[Token], scope: dict[str, dict[str, str]]) -> None:
        for index, token in enumerate(tokens):
            if not token.is_name or _is_not_a_column(tokens, index):
                continue
            if index + 1 < len(tokens) and tokens[index + 1].is_op("."):
                continue  # a qualifier: its column is checked next
            if index >= 2 and tokens[index - 1].is_op(".") and tokens[index - 2].is_name:
                qualifier = tokens[index - 2].text
                if qualifier not in scope:
                    self.report(statement, token.line, f"{qualifier} is not a stream or table of this query")
                elif token.text not in scope[qualifier]:
                    self.report(statement, token.line, _unknown(token.text, qualifier, scope[qualifier]))
                continue
            if token.kind == "word" and token.text in PSEUDO_COLUMNS:
                continue
            if not any(token.text in columns for columns in scope.values()):
                every = {name: kind for columns in scope.values() for name, kind in columns.items()}
                self.report(statement, token.line, _unknown(token.text, " or ".join(scope) or "nothing", every))

    def check_window(self, statement: Statement, query: Query) -> None:
        window = query.window
        assert window is not None
        if window.kind != "HOPPING":
            self.report(statement, window.line, f"{statement.name} uses a {window.kind} window; the Streams stage's "
                                                f"windows are HOPPING")
        for label, expected in self.facts.window_ms.items():
            actual = window.durations.get(label)
            if actual is None:
                self.report(statement, window.line, f"{statement.name}'s window has no {label}; the Streams stage's "
                                                    f"is {_duration(expected[0][0])} ({expected[0][1]})")
                continue
            for value, source in expected:
                if actual[0] != value:
                    self.report(statement, actual[1], f"{statement.name}'s window {label} is {_duration(actual[0])}, "
                                                      f"but the Streams stage's is {_duration(value)} ({source})")
        if query.emit != "FINAL":
            line = query.emit_line or statement.line
            self.report(statement, line, f"{statement.name} is windowed but emits {query.emit or 'nothing'}: write "
                                         f"EMIT FINAL, so that each window and segment gives one final row, as in the "
                                         f"Streams stage")

    def check_output(self, statement: Statement, query: Query, scope: dict[str, dict[str, str]]) -> None:
        topic, line = statement.properties.get("KAFKA_TOPIC", ("", statement.line))
        stage_topic = topic[len(OUTPUT_TOPIC_PREFIX):] if topic.startswith(OUTPUT_TOPIC_PREFIX) else ""
        fields = self.facts.outputs.get(stage_topic)
        if fields is None:
            self.report(statement, line, f"{statement.name} writes topic {topic or 'named by ksqlDB'!r}; a windowed "
                                         f"table writes {OUTPUT_TOPIC_PREFIX}<topic> for one of the Streams stage's "
                                         f"output topics ({', '.join(sorted(self.facts.outputs))})")
            return
        self.produced.add(stage_topic)
        keys = {tokens[0].text for tokens in query.group_by if len(tokens) == 1 and tokens[0].is_name}
        values = [item for item in query.items if not (item.name in keys and len(item.expression) == 1)]
        names = {item.name for item in values}
        for item in values:
            field = fields.get(item.name)
            if field is None:
                self.report(statement, item.line, f"{statement.name} writes column {item.name}, which is not a "
                                                  f"field of {stage_topic} in the Streams stage ({', '.join(fields)})")
                continue
            kind = infer_type(item.expression, scope)
            if kind is None:
                self.report(statement, item.line, f"cannot tell the type of {item.name}: wrap it in "
                                                  f"CAST(... AS {sorted(COMPATIBLE[field.type])[0]})")
            elif kind not in COMPATIBLE.get(field.type, set()):
                self.report(statement, item.line, f"{item.name} is {kind}, but {stage_topic}.{item.name} is "
                                                  f"{field.type} in the Streams stage")
        for missing in [name for name in fields if name not in names]:
            self.report(statement, statement.line, f"{statement.name} lacks {stage_topic}'s field {missing}")

    def check_insert(self, statement: Statement, output: dict[str, str]) -> None:
        target = self.relations.get(statement.name)
        if target is None:
            self.report(statement, statement.line, f"INSERT INTO {statement.name}: no such stream created before")
        elif list(output) != list(target):
            self.report(statement, statement.line, f"INSERT INTO {statement.name} writes columns {', '.join(output)}; "
                                                   f"the stream has {', '.join(target)}")
        else:
            for name, kind in output.items():
                if kind and target[name] and kind != target[name]:
                    self.report(statement, statement.line, f"INSERT INTO {statement.name} writes {name} as {kind}; "
                                                           f"the stream has {target[name]}")


def _unknown(name: str, where: str, columns: dict[str, str]) -> str:
    close = [c for c in columns if c.lower() == name.lower()]
    hint = f" (ksqlDB upper-cases unquoted names: write `{close[0]}`)" if close else ""
    return f"no column {name} in {where}{hint}"


def _is_not_a_column(tokens: list[Token], index: int) -> bool:
    token = tokens[index]
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    if following is not None and following.is_op("(") and token.kind == "word":
        return True  # a function
    if token.kind == "word" and token.text in KEYWORDS:
        return True
    # the type in CAST(x AS TYPE): every word after AS up to the closing parenthesis
    for previous in reversed(tokens[:index]):
        if previous.is_op("(", ")", ","):
            return False
        if previous.is_word("AS"):
            return True
    return False


def infer_type(tokens: list[Token], scope: dict[str, dict[str, str]]) -> str | None:
    """The ksqlDB type of an expression, for the shapes the migrations use; None when it cannot tell."""
    if not tokens:
        return None
    every = {name: kind for columns in scope.values() for name, kind in columns.items()}
    if len(tokens) == 1:
        token = tokens[0]
        if token.kind == "string":
            return "VARCHAR"
        if token.kind == "number":
            return "DOUBLE" if "." in token.text else "INT"
        if token.kind == "word" and token.text in PSEUDO_COLUMNS:
            return PSEUDO_COLUMNS[token.text]
        return every.get(token.text) or None if token.is_name else None
    if len(tokens) == 3 and tokens[1].is_op(".") and tokens[0].text in scope:
        return scope[tokens[0].text].get(tokens[2].text) or None
    parts = _split_arithmetic(tokens)
    if len(parts) > 1:
        kinds = [infer_type(part, scope) for part in parts]
        if None in kinds:
            return None
        for widest in ("DOUBLE", "BIGINT", "INT"):
            if widest in kinds and set(kinds) <= {"DOUBLE", "BIGINT", "INT"}:
                return widest
        return None
    head = tokens[0]
    if head.is_word("CASE") and tokens[-1].is_word("END"):
        return _case_type(tokens, scope)
    if head.is_op("(") and tokens[-1].is_op(")") and _closing(tokens, 0) == len(tokens) - 1:
        return infer_type(tokens[1:-1], scope)
    if head.kind == "word" and len(tokens) >= 3 and tokens[1].is_op("(") and _closing(tokens, 1) == len(tokens) - 1:
        arguments = split_top_level(tokens[2:-1])
        if head.text == "CAST" and arguments:
            inner = arguments[0]
            depth = 0
            for i, token in enumerate(inner):
                depth += 1 if token.is_op("(", "[") else -1 if token.is_op(")", "]") else 0
                if depth == 0 and token.is_word("AS"):
                    return normalize_type(" ".join(t.text for t in inner[i + 1:]))
            return None
        if head.text in FUNCTION_TYPES:
            return FUNCTION_TYPES[head.text]
        if head.text in FIRST_ARGUMENT_TYPE and arguments:
            return infer_type(arguments[0], scope)
    return None


def _closing(tokens: list[Token], opening: int) -> int:
    depth = 0
    for index in range(opening, len(tokens)):
        if tokens[index].is_op("(", "["):
            depth += 1
        elif tokens[index].is_op(")", "]"):
            depth -= 1
            if depth == 0:
                return index
    return -1


def _split_arithmetic(tokens: list[Token]) -> list[list[Token]]:
    parts: list[list[Token]] = [[]]
    depth = 0
    in_case = 0
    for index, token in enumerate(tokens):
        if token.is_op("(", "["):
            depth += 1
        elif token.is_op(")", "]"):
            depth -= 1
        elif token.is_word("CASE"):
            in_case += 1
        elif token.is_word("END"):
            in_case -= 1
        if depth == 0 and in_case == 0 and index > 0 and token.is_op("+", "-", "*", "/", "%"):
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def _case_type(tokens: list[Token], scope: dict[str, dict[str, str]]) -> str | None:
    """The type of the first THEN or ELSE branch whose type can be told, NULL casts included."""
    branches: list[list[Token]] = []
    current: list[Token] | None = None
    depth = 0
    for token in tokens[1:-1]:
        if token.is_op("(", "["):
            depth += 1
        elif token.is_op(")", "]"):
            depth -= 1
        if depth == 0 and token.is_word("THEN", "ELSE"):
            current = []
            branches.append(current)
        elif depth == 0 and token.is_word("WHEN"):
            current = None
        elif current is not None:
            current.append(token)
    for branch in branches:
        kind = infer_type(branch, scope)
        if kind is not None:
            return kind
    return None


def _duration(ms: int) -> str:
    for unit, size in (("DAYS", 86_400_000), ("HOURS", 3_600_000), ("MINUTES", 60_000), ("SECONDS", 1000)):
        if ms % size == 0 and ms >= size:
            return f"{ms // size} {unit}"
    return f"{ms} MILLISECONDS"


def migration_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("V*__*.sql"), key=lambda p: int(p.name[1:].split("__")[0] or 0))


def check(repo: Path, migrations: Path | None = None) -> list[Problem]:
    """Every problem of the migrations under ``migrations`` (ksql/migrations of ``repo`` by default)."""
    try:
        facts = stage_facts.load(repo)
    except stage_facts.FactsError as e:
        return [Problem(Path("."), 0, f"cannot read what the Streams stage defines: {e}")]
    return Checker(repo, facts).check(migration_files(migrations or repo / MIGRATIONS))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parents[2])
    parser.add_argument("--migrations", type=Path, default=None)
    arguments = parser.parse_args(argv)
    problems = check(arguments.repo.resolve(), arguments.migrations.resolve() if arguments.migrations else None)
    for problem in problems:
        print(problem)
    if not problems:
        print("ksql/migrations agrees with the Streams stage and the event schemas")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
