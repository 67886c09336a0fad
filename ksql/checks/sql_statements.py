"""The few shapes of ksqlDB statement that ksql/migrations uses, read into plain records with their line numbers.

This is not a ksqlDB grammar. It splits the files into statements and reads what the checks need: a stream or
table declared over a topic with its columns, a CREATE ... AS SELECT or INSERT INTO ... SELECT with its projection,
sources, window and EMIT clause, and the column references of every expression. A statement of another shape is
reported, so that nothing passes unread.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


class SqlError(Exception):
    """A statement the reader cannot make sense of, with where it is."""

    def __init__(self, path: Path, line: int, reason: str):
        super().__init__(f"{path}:{line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class Token:
    # "word" (unquoted, upper-cased as ksqlDB does), "quoted" (in backticks, as written), "string", "number", "op"
    kind: str
    text: str
    line: int

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text in words

    def is_op(self, *ops: str) -> bool:
        return self.kind == "op" and self.text in ops

    @property
    def is_name(self) -> bool:
        return self.kind in ("word", "quoted")


_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>--[^\n]*)
  | (?P<block>/\*.*?\*/)
  | (?P<quoted>`(?:[^`]|``)*`)
  | (?P<string>'(?:[^']|'')*')
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_@$]*)
  | (?P<op><>|!=|<=|>=|=>|\|\||[-+*/%=<>(),;.\[\]:])
""", re.VERBOSE | re.DOTALL)


def tokenize(text: str, path: Path) -> list[Token]:
    tokens: list[Token] = []
    position, line = 0, 1
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise SqlError(path, line, f"unexpected character {text[position]!r}")
        kind = match.lastgroup or ""
        value = match.group()
        if kind == "word":
            tokens.append(Token("word", value.upper(), line))
        elif kind == "quoted":
            tokens.append(Token("quoted", value[1:-1].replace("``", "`"), line))
        elif kind == "string":
            tokens.append(Token("string", value[1:-1].replace("''", "'"), line))
        elif kind in ("number", "op"):
            tokens.append(Token(kind, value, line))
        line += value.count("\n")
        position = match.end()
    return tokens


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    key: bool
    line: int


@dataclass(frozen=True)
class SelectItem:
    name: str
    expression: list[Token]
    line: int


@dataclass(frozen=True)
class Relation:
    name: str
    alias: str
    line: int


@dataclass(frozen=True)
class Window:
    kind: str  # HOPPING, TUMBLING or SESSION
    # SIZE, ADVANCE BY and GRACE PERIOD in milliseconds, each with the line it is written on
    durations: dict[str, tuple[int, int]]
    line: int


@dataclass
class Query:
    items: list[SelectItem]
    relations: list[Relation]
    window: Window | None
    group_by: list[list[Token]]
    emit: str | None
    emit_line: int
    # Every expression of the query (projection, ON, WHERE, GROUP BY, HAVING) for the column checks
    expressions: list[list[Token]] = field(default_factory=list)


@dataclass
class Statement:
    path: Path
    line: int
    kind: str  # "source" (CREATE over a topic), "query" (CREATE ... AS SELECT), "insert"
    object_kind: str  # STREAM or TABLE ("" for insert)
    name: str
    properties: dict[str, tuple[str, int]] = field(default_factory=dict)
    columns: list[Column] = field(default_factory=list)
    query: Query | None = None


_CLAUSES = ("WINDOW", "WHERE", "GROUP", "PARTITION", "HAVING", "EMIT", "LIMIT")
_UNITS_MS = {"MILLISECOND": 1, "SECOND": 1000, "MINUTE": 60_000, "HOUR": 3_600_000, "DAY": 86_400_000}


def read_file(path: Path) -> list[Statement]:
    tokens = tokenize(path.read_text(encoding="utf-8"), path)
    statements: list[Statement] = []
    current: list[Token] = []
    for token in tokens:
        if token.is_op(";"):
            if current:
                statements.append(_Reader(path, current).statement())
            current = []
        else:
            current.append(token)
    if current:
        raise SqlError(path, current[0].line, "statement without a closing ';'")
    return statements


class _Reader:
    """Reads one statement's tokens from left to right."""

    def __init__(self, path: Path, tokens: list[Token]):
        self.path = path
        self.tokens = tokens
        self.at = 0

    def fail(self, reason: str, token: Token | None = None) -> SqlError:
        where = token or (self.tokens[self.at] if self.at < len(self.tokens) else self.tokens[-1])
        return SqlError(self.path, where.line, reason)

    def peek(self, offset: int = 0) -> Token | None:
        index = self.at + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def next(self) -> Token:
        token = self.peek()
        if token is None:
            raise self.fail("the statement ends too early")
        self.at += 1
        return token

    def accept(self, *words: str) -> bool:
        token = self.peek()
        if token is not None and token.is_word(*words):
            self.at += 1
            return True
        return False

    def expect_word(self, *words: str) -> Token:
        token = self.next()
        if not token.is_word(*words):
            raise self.fail(f"expected {' or '.join(words)}, found {token.text!r}", token)
        return token

    def expect_op(self, op: str) -> Token:
        token = self.next()
        if not token.is_op(op):
            raise self.fail(f"expected {op!r}, found {token.text!r}", token)
        return token

    def name(self) -> str:
        token = self.next()
        if not token.is_name:
            raise self.fail(f"expected a name, found {token.text!r}", token)
        return token.text

    def statement(self) -> Statement:
        first = self.tokens[0]
        if self.accept("CREATE"):
            if self.accept("OR"):
                self.expect_word("REPLACE")
            self.accept("SOURCE")
            object_kind = self.expect_word("STREAM", "TABLE").text
            if self.accept("IF"):
                self.expect_word("NOT")
                self.expect_word("EXISTS")
            statement = Statement(self.path, first.line, "source", object_kind, self.name())
            token = self.peek()
            if token is not None and token.is_op("("):
                statement.columns = self.columns()
            if self.accept("WITH"):
                statement.properties = self.properties()
            if self.accept("AS"):
                statement.kind = "query"
                statement.query = self.select()
            elif not statement.columns:
                raise self.fail("expected column definitions or AS SELECT", first)
            return statement
        if self.accept("INSERT"):
            self.expect_word("INTO")
            statement = Statement(self.path, first.line, "insert", "", self.name())
            statement.query = self.select()
            return statement
        raise self.fail(f"a statement the checks do not read: {first.text} ...", first)

    def columns(self) -> list[Column]:
        self.expect_op("(")
        columns = []
        while True:
            token = self.peek()
            if token is None:
                raise self.fail("unclosed column list")
            line = token.line
            name = self.name()
            type_tokens: list[str] = []
            key = False
            depth = 0
            while True:
                token = self.next()
                if depth == 0 and (token.is_op(",") or token.is_op(")")):
                    break
                if token.is_op("(", "<"):
                    depth += 1
                elif token.is_op(")", ">"):
                    depth -= 1
                if depth == 0 and token.is_word("KEY"):
                    key = True
                    if type_tokens and type_tokens[-1] == "PRIMARY":
                        type_tokens.pop()
                    continue
                type_tokens.append(token.text)
            columns.append(Column(name, normalize_type(" ".join(type_tokens)), key, line))
            if token.is_op(")"):
                return columns

    def properties(self) -> dict[str, tuple[str, int]]:
        self.expect_op("(")
        result: dict[str, tuple[str, int]] = {}
        while True:
            key = self.next()
            self.expect_op("=")
            value = self.next()
            result[key.text.upper()] = (value.text, value.line)
            token = self.next()
            if token.is_op(")"):
                return result
            if not token.is_op(","):
                raise self.fail(f"expected ',' or ')' in WITH, found {token.text!r}", token)

    def until(self, stop: tuple[str, ...], stop_ops: tuple[str, ...] = ()) -> list[Token]:
        """Tokens up to (not including) a stop word or op at nesting depth 0."""
        collected: list[Token] = []
        depth = 0
        while (token := self.peek()) is not None:
            if depth == 0 and (token.is_word(*stop) or token.is_op(*stop_ops)):
                break
            if token.is_op("(", "["):
                depth += 1
            elif token.is_op(")", "]"):
                depth -= 1
            collected.append(token)
            self.at += 1
        return collected

    def select(self) -> Query:
        self.expect_word("SELECT")
        items = [self.select_item(tokens) for tokens in split_top_level(self.until(("FROM",)))]
        self.expect_word("FROM")
        query = Query(items, [], None, [], None, 0)
        query.expressions.extend(item.expression for item in items)
        query.relations.append(self.relation())
        while self.peek() is not None and (self.accept("LEFT", "INNER", "FULL", "RIGHT") or self.peek_is("JOIN")):
            self.accept("OUTER")
            self.expect_word("JOIN")
            query.relations.append(self.relation())
            if self.accept("WITHIN"):
                self.until(("ON", "GRACE"))
            if self.accept("GRACE"):
                self.expect_word("PERIOD")
                self.until(("ON",))
            self.expect_word("ON")
            query.expressions.append(self.until(("LEFT", "INNER", "FULL", "RIGHT", "JOIN", *_CLAUSES)))
        if self.accept("WINDOW"):
            query.window = self.window()
        if self.accept("WHERE"):
            query.expressions.append(self.until(_CLAUSES))
        if self.accept("GROUP"):
            self.expect_word("BY")
            query.group_by = split_top_level(self.until(_CLAUSES))
            query.expressions.extend(query.group_by)
        if self.accept("PARTITION"):
            self.expect_word("BY")
            query.expressions.extend(split_top_level(self.until(_CLAUSES)))
        if self.accept("HAVING"):
            query.expressions.append(self.until(_CLAUSES))
        if self.accept("EMIT"):
            token = self.expect_word("CHANGES", "FINAL")
            query.emit, query.emit_line = token.text, token.line
        if self.peek() is not None and not self.peek_is("LIMIT"):
            raise self.fail(f"unexpected {self.next().text!r} after the query")
        return query

    def peek_is(self, word: str) -> bool:
        token = self.peek()
        return token is not None and token.is_word(word)

    def select_item(self, tokens: list[Token]) -> SelectItem:
        if len(tokens) >= 3 and tokens[-2].is_word("AS") and tokens[-1].is_name:
            return SelectItem(tokens[-1].text, tokens[:-2], tokens[0].line)
        if len(tokens) == 1 and tokens[0].is_name:
            return SelectItem(tokens[0].text, tokens, tokens[0].line)
        if len(tokens) == 3 and tokens[0].is_name and tokens[1].is_op(".") and tokens[2].is_name:
            return SelectItem(tokens[2].text, tokens, tokens[0].line)
        raise self.fail("a computed column needs a name: add AS `name`", tokens[0] if tokens else None)

    def relation(self) -> Relation:
        token = self.peek()
        line = token.line if token else 0
        name = self.name()
        alias = name
        self.accept("AS")
        token = self.peek()
        if token is not None and token.is_name and not token.is_word(
                "LEFT", "INNER", "FULL", "RIGHT", "JOIN", "WITHIN", "ON", *_CLAUSES):
            alias = self.name()
        return Relation(name, alias, line)

    def window(self) -> Window:
        kind_token = self.expect_word("HOPPING", "TUMBLING", "SESSION")
        self.expect_op("(")
        durations: dict[str, tuple[int, int]] = {}
        for part in split_top_level(self.until((), (")",))):
            words = [t.text for t in part]
            if not part:
                continue
            if words[:2] == ["ADVANCE", "BY"]:
                label, rest = "ADVANCE BY", part[2:]
            elif words[:2] == ["GRACE", "PERIOD"]:
                label, rest = "GRACE PERIOD", part[2:]
            elif words[:1] == ["SIZE"]:
                label, rest = "SIZE", part[1:]
            else:
                if kind_token.text == "SESSION" and len(part) == 2:
                    label, rest = "SIZE", part
                else:
                    raise self.fail(f"unknown window setting {' '.join(words)!r}", part[0])
            durations[label] = (duration_ms(rest, self.path), part[0].line)
        self.expect_op(")")
        return Window(kind_token.text, durations, kind_token.line)


def duration_ms(tokens: list[Token], path: Path) -> int:
    if len(tokens) != 2 or tokens[0].kind != "number" or tokens[1].kind != "word":
        raise SqlError(path, tokens[0].line if tokens else 0, "a duration is a number and a unit, e.g. 15 MINUTES")
    unit = tokens[1].text.rstrip("S")
    if unit not in _UNITS_MS:
        raise SqlError(path, tokens[1].line, f"unknown time unit {tokens[1].text}")
    return int(tokens[0].text) * _UNITS_MS[unit]


def split_top_level(tokens: list[Token]) -> list[list[Token]]:
    """Splits at commas outside brackets; CAST's 'x AS TYPE' stays one part."""
    parts: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.is_op("(", "["):
            depth += 1
        elif token.is_op(")", "]"):
            depth -= 1
        if depth == 0 and token.is_op(","):
            parts.append([])
        else:
            parts[-1].append(token)
    return [part for part in parts if part]


_TYPE_ALIASES = {"STRING": "VARCHAR", "INTEGER": "INT"}


def normalize_type(text: str) -> str:
    text = re.sub(r"\s+", " ", text.strip().upper())
    return _TYPE_ALIASES.get(text, text)
