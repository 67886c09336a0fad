"""Each rule of ksql_check, proven on a broken copy of the migrations or of the sources the facts come from.

Every test copies the files the checker reads into a fresh repository, breaks one thing, and asserts the problem
it must report: the file, the line and the reason.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import ksql_check
import pytest
import stage_facts

REPO = Path(__file__).resolve().parents[3]
MIGRATIONS = Path("ksql/migrations")
SOURCES = [
    stage_facts.EVENT_TYPE,
    *(p.relative_to(REPO) for p in sorted((REPO / stage_facts.EVENT_SCHEMAS).glob("*.avsc"))),
    stage_facts.WINDOW / "SegmentationConfig.java",
    stage_facts.WINDOW / "AggregateSchemas.java",
    stage_facts.WINDOW / "UserSegmentSchemas.java",
    stage_facts.STREAMS_PROPERTIES,
]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of what the checker reads: the migrations, the Java sources, the properties and the event schemas."""
    for relative in SOURCES:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / relative, tmp_path / relative)
    shutil.copytree(REPO / MIGRATIONS, tmp_path / MIGRATIONS)
    return tmp_path


def break_file(repo: Path, relative: Path | str, old: str, new: str) -> int:
    """Replaces the one occurrence of ``old`` and returns the line it starts on."""
    path = repo / relative
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {relative}"
    path.write_text(text.replace(old, new))
    return text[:text.index(old)].count("\n") + 1


def problems(repo: Path) -> list[str]:
    return [str(p) for p in ksql_check.check(repo)]


def assert_reported(repo: Path, file: str, line: int, *reason: str) -> None:
    found = problems(repo)
    prefix = f"{MIGRATIONS / file}:{line}: " if file.endswith(".sql") else f"{file}:{line}: "
    assert found, "the broken copy must be reported"
    matching = [p for p in found if p.startswith(prefix) and all(part in p for part in reason)]
    assert matching, f"expected {prefix}... {reason} among {found}"


EVENTS = "V000001__event_streams.sql"
SEGMENTED = "V000003__segmented_events.sql"
REGISTRATIONS = "V000004__segment_registrations.sql"
REVENUE = "V000008__segment_revenue.sql"
CHECK_OUT = stage_facts.EVENT_SCHEMAS / "CheckOut.avsc"
WINDOW = "WINDOW HOPPING (SIZE 1 HOUR, ADVANCE BY 15 MINUTES, GRACE PERIOD 15 MINUTES)"


def test_the_committed_migrations_agree_with_the_stage(repo: Path) -> None:
    assert problems(repo) == []
    assert problems(REPO) == []


def test_the_facts_come_from_the_sources() -> None:
    facts = stage_facts.load(REPO)
    assert {topic: event.record for topic, event in facts.events.items()} == {
        "user_registration": "UserRegistration", "sign_in": "SignIn", "sign_out": "SignOut",
        "item_view": "ItemView", "add_to_cart": "AddToCart", "check_out": "CheckOut"}
    check_out = facts.events["check_out"]
    assert check_out.schema_path == stage_facts.EVENT_SCHEMAS / "CheckOut.avsc"
    assert list(check_out.fields) == ["event_id", "user_id", "event_time", "schema_version", "session_id", "cart_id",
                                      "payment_method", "item_count", "total_cents"]
    assert check_out.fields["total_cents"] == stage_facts.FieldType("long")
    assert check_out.fields["item_count"] == stage_facts.FieldType("int")
    assert facts.events["sign_in"].fields["event_time"] == stage_facts.FieldType("timestamp-millis")
    assert facts.window_ms["SIZE"][0] == (3_600_000, "SegmentationConfig.WINDOW_SIZE_DEFAULT")
    assert facts.window_ms["ADVANCE BY"][0][0] == 900_000
    assert list(facts.outputs["segment_sessions"]) == [
        "window_start", "window_end", "age_band", "preferred_language", "email_domain",
        "sessions", "avg_duration_ms", "p95_duration_ms", "emitted_at"]
    assert facts.outputs["segment_funnel"]["view_to_cart_rate"] == stage_facts.FieldType("double", nullable=True)


def test_a_misspelled_column_in_a_query(repo: Path) -> None:
    line = break_file(repo, MIGRATIONS / SEGMENTED, "e.`total_cents` AS", "e.`total_cent` AS")
    assert_reported(repo, SEGMENTED, line, "no column total_cent in E")


def test_a_misspelled_column_in_a_where_clause(repo: Path) -> None:
    line = break_file(repo, MIGRATIONS / "V000002__user_segments.sql", "WHERE `user_id` <> ''", "WHERE `userid` <> ''")
    assert_reported(repo, "V000002__user_segments.sql", line, "no column userid in USER_REGISTRATION_EVENTS")


def test_a_misspelled_column_of_an_event_stream(repo: Path) -> None:
    line = break_file(repo, MIGRATIONS / EVENTS, "`total_cents` BIGINT", "`total_cent` BIGINT")
    assert_reported(repo, EVENTS, line, "column total_cent of CHECK_OUT_EVENTS is not a field of CheckOut",
                    f"in {CHECK_OUT}")


def test_an_unquoted_column_is_upper_cased(repo: Path) -> None:
    line = break_file(repo, MIGRATIONS / EVENTS, "`total_cents` BIGINT", "total_cents BIGINT")
    assert_reported(repo, EVENTS, line, "TOTAL_CENTS", "upper-cases unquoted names")


def test_a_column_of_the_wrong_type(repo: Path) -> None:
    line = break_file(repo, MIGRATIONS / EVENTS, "`total_cents` BIGINT", "`total_cents` INT")
    assert_reported(repo, EVENTS, line, "total_cents of CHECK_OUT_EVENTS is INT", "is long: declare it BIGINT")


def test_a_stream_over_a_topic_the_simulator_does_not_write(repo: Path) -> None:
    line = break_file(repo, MIGRATIONS / EVENTS, "KAFKA_TOPIC='sign_in'", "KAFKA_TOPIC='signin'")
    assert_reported(repo, EVENTS, line, "reads topic 'signin', which is not one of the simulator's topics")


def test_a_stream_not_in_avro(repo: Path) -> None:
    line = break_file(repo, MIGRATIONS / EVENTS, "KAFKA_TOPIC='sign_out', KEY_FORMAT='KAFKA', VALUE_FORMAT='AVRO'",
                      "KAFKA_TOPIC='sign_out', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON'")
    assert_reported(repo, EVENTS, line, "must read VALUE_FORMAT='AVRO'")


def test_emit_changes_on_a_windowed_table(repo: Path) -> None:
    text = (repo / MIGRATIONS / REGISTRATIONS).read_text()
    line = text[:text.index("EMIT FINAL;")].count("\n") + 1
    break_file(repo, MIGRATIONS / REGISTRATIONS, "EMIT FINAL;", "EMIT CHANGES;")
    assert_reported(repo, REGISTRATIONS, line, "SEGMENT_REGISTRATIONS is windowed but emits CHANGES")


@pytest.mark.parametrize(("window", "reason"), [
    ("WINDOW HOPPING (SIZE 2 HOURS, ADVANCE BY 15 MINUTES, GRACE PERIOD 15 MINUTES)",
     "window SIZE is 2 HOURS, but the Streams stage's is 1 HOURS (SegmentationConfig.WINDOW_SIZE_DEFAULT)"),
    ("WINDOW HOPPING (SIZE 1 HOUR, ADVANCE BY 10 MINUTES, GRACE PERIOD 15 MINUTES)",
     "window ADVANCE BY is 10 MINUTES, but the Streams stage's is 15 MINUTES"),
    ("WINDOW HOPPING (SIZE 1 HOUR, ADVANCE BY 15 MINUTES, GRACE PERIOD 0 SECONDS)",
     "window GRACE PERIOD is 0 MILLISECONDS, but the Streams stage's is 15 MINUTES"),
    ("WINDOW HOPPING (SIZE 1 HOUR, ADVANCE BY 15 MINUTES)", "window has no GRACE PERIOD"),
    ("WINDOW TUMBLING (SIZE 1 HOUR, GRACE PERIOD 15 MINUTES)", "uses a TUMBLING window"),
])
def test_a_window_that_drifted(repo: Path, window: str, reason: str) -> None:
    line = break_file(repo, MIGRATIONS / REVENUE, WINDOW, window)
    assert_reported(repo, REVENUE, line, "SEGMENT_REVENUE", reason)


def test_a_streams_default_that_moved_is_caught_from_the_java_source(repo: Path) -> None:
    break_file(repo, stage_facts.WINDOW / "SegmentationConfig.java",
               "WINDOW_GRACE_DEFAULT = Duration.ofMinutes(15).toMillis()",
               "WINDOW_GRACE_DEFAULT = Duration.ofMinutes(5).toMillis()")
    (repo / stage_facts.STREAMS_PROPERTIES).write_text("")
    text = (repo / MIGRATIONS / REVENUE).read_text()
    line = text[:text.index(WINDOW)].count("\n") + 1
    assert_reported(repo, REVENUE, line, "GRACE PERIOD is 15 MINUTES, but the Streams stage's is 5 MINUTES",
                    "SegmentationConfig.WINDOW_GRACE_DEFAULT")


def test_the_deployed_properties_count_too(repo: Path) -> None:
    break_file(repo, stage_facts.STREAMS_PROPERTIES, "segmentation.window.grace.ms=900000",
               "segmentation.window.grace.ms=600000")
    text = (repo / MIGRATIONS / REVENUE).read_text()
    line = text[:text.index(WINDOW)].count("\n") + 1
    assert_reported(repo, REVENUE, line, "but the Streams stage's is 10 MINUTES",
                    "segmentation.window.grace.ms in connector-configs/segmentation-streams.properties")


def test_an_output_field_named_differently(repo: Path) -> None:
    line = break_file(repo, MIGRATIONS / REGISTRATIONS, "COUNT(*) AS `registrations`", "COUNT(*) AS `registration`")
    assert_reported(repo, REGISTRATIONS, line, "writes column registration, which is not a field of "
                                               "segment_registrations")
    assert any("lacks segment_registrations's field registrations" in p for p in problems(repo))


def test_an_output_field_of_the_wrong_type(repo: Path) -> None:
    line = break_file(repo, MIGRATIONS / REVENUE, "COUNT(*) AS `orders`", "AVG(`total_cents`) AS `orders`")
    assert_reported(repo, REVENUE, line, "orders is DOUBLE, but segment_revenue.orders is long")


def test_an_output_of_unknown_type_must_be_cast(repo: Path) -> None:
    line = break_file(repo, MIGRATIONS / REVENUE, "SUM(`total_cents`) AS `revenue_cents`",
                      "MYSTERY(`total_cents`) AS `revenue_cents`")
    assert_reported(repo, REVENUE, line, "cannot tell the type of revenue_cents", "CAST(... AS BIGINT)")


def test_a_windowed_table_writing_no_stage_topic(repo: Path) -> None:
    line = break_file(repo, MIGRATIONS / REVENUE, "KAFKA_TOPIC='ksql_segment_revenue'", "KAFKA_TOPIC='revenue'")
    assert_reported(repo, REVENUE, line, "writes topic 'revenue'", "ksql_<topic>")


def test_a_field_the_event_schema_lacks(repo: Path) -> None:
    break_file(repo, CHECK_OUT, '"name": "total_cents"', '"name": "amount_cents"')
    text = (repo / MIGRATIONS / EVENTS).read_text()
    line = text[:text.index("`total_cents` BIGINT")].count("\n") + 1
    assert_reported(repo, EVENTS, line, "total_cents of CHECK_OUT_EVENTS is not a field of CheckOut", f"in {CHECK_OUT}")
    # One schema, so one report: the writer and the reader are the same file
    assert len([p for p in problems(repo) if "total_cents of CHECK_OUT_EVENTS" in p]) == 1


def test_a_field_whose_type_changed_in_the_event_schema(repo: Path) -> None:
    break_file(repo, CHECK_OUT, '{"name": "total_cents", "type": "long"', '{"name": "total_cents", "type": "int"')
    text = (repo / MIGRATIONS / EVENTS).read_text()
    line = text[:text.index("`total_cents` BIGINT")].count("\n") + 1
    assert_reported(repo, EVENTS, line, f"CheckOut.total_cents in {CHECK_OUT} is int: declare it INT")


def test_a_topic_renamed_in_the_event_type_enum(repo: Path) -> None:
    break_file(repo, stage_facts.EVENT_TYPE, 'SIGN_IN("sign_in",', 'SIGN_IN("sign_ins",')
    text = (repo / MIGRATIONS / EVENTS).read_text()
    line = text[:text.index("KAFKA_TOPIC='sign_in'")].count("\n") + 1
    assert_reported(repo, EVENTS, line, "reads topic 'sign_in', which is not one of the simulator's topics",
                    "sign_ins")


def facts_error(repo: Path) -> str:
    with pytest.raises(stage_facts.FactsError) as raised:
        stage_facts.load(repo)
    assert [str(p) for p in ksql_check.check(repo)] == [f".:0: cannot read what the Streams stage defines: "
                                                        f"{raised.value}"]
    return str(raised.value)


def test_a_missing_event_schema_names_the_file(repo: Path) -> None:
    (repo / stage_facts.EVENT_SCHEMAS / "SignIn.avsc").unlink()
    assert facts_error(repo).startswith(f"cannot read {stage_facts.EVENT_SCHEMAS / 'SignIn.avsc'}: ")


def test_an_event_type_without_its_schema_file(repo: Path) -> None:
    break_file(repo, stage_facts.EVENT_TYPE, '    CHECK_OUT("check_out", "CheckOut", "Check-out");',
               '    CHECK_OUT("check_out", "CheckOut", "Check-out"),\n'
               '    WISHLIST_ADD("wishlist_add", "WishlistAdd", "Wishlist");')
    assert facts_error(repo).startswith(f"cannot read {stage_facts.EVENT_SCHEMAS / 'WishlistAdd.avsc'}: ")


def test_an_event_schema_of_another_record(repo: Path) -> None:
    break_file(repo, CHECK_OUT, '"name": "CheckOut"', '"name": "Checkout"')
    assert facts_error(repo) == (f"{CHECK_OUT} declares the record dev.segmentation.events.Checkout, but "
                                 f"EventType.java names the file for dev.segmentation.events.CheckOut")


def test_an_event_schema_that_is_not_json(repo: Path) -> None:
    (repo / CHECK_OUT).write_text('{"type": "record",')
    assert facts_error(repo).startswith(f"{CHECK_OUT} is not JSON: ")


def test_an_event_type_enum_of_another_shape(repo: Path) -> None:
    enum = repo / stage_facts.EVENT_TYPE
    text, replaced = re.subn(r', "\w+", "[^"]+"\)', ")", enum.read_text())  # back to NAME("topic")
    assert replaced == 6
    enum.write_text(text)
    assert facts_error(repo) == (f"{stage_facts.EVENT_TYPE} lists no event type as "
                                 f'NAME("default_topic", "RecordName", ...)')


def test_a_metric_without_its_table(repo: Path) -> None:
    (repo / MIGRATIONS / REVENUE).unlink()
    assert_reported(repo, str(MIGRATIONS), 0, "the Streams stage writes segment_revenue, and no windowed table writes "
                                              "ksql_segment_revenue")


def test_a_new_stage_output_without_its_schema_is_reported(repo: Path) -> None:
    break_file(repo, stage_facts.WINDOW / "SegmentationConfig.java",
               'REVENUE_OUTPUT_TOPIC_DEFAULT = "segment_revenue";',
               'REVENUE_OUTPUT_TOPIC_DEFAULT = "segment_revenue";\n'
               '    public static final String CARTS_OUTPUT_TOPIC_DEFAULT = "segment_registrations_copy";')
    assert ksql_check.check(repo)[0].reason.startswith("cannot read what the Streams stage defines: "
                                                       "AggregateSchemas.java has no schema SEGMENT_REGISTRATIONS_COPY")


def test_insert_into_with_other_columns(repo: Path) -> None:
    text = (repo / MIGRATIONS / REVENUE).read_text()
    line = text[:text.index("INSERT INTO revenue_contributions")].count("\n") + 1
    broken = text.replace("'all' AS `segment_email_domain`,", "'all' AS `segment_domain`,")
    assert broken != text
    (repo / MIGRATIONS / REVENUE).write_text(broken)
    assert_reported(repo, REVENUE, line, "INSERT INTO REVENUE_CONTRIBUTIONS writes columns", "segment_domain")


def test_a_query_over_an_unknown_stream(repo: Path) -> None:
    line = break_file(repo, MIGRATIONS / REVENUE, "  FROM check_out_segmented\n  EMIT CHANGES;\n\n-- The same",
                      "  FROM checkout_segmented\n  EMIT CHANGES;\n\n-- The same")
    assert_reported(repo, REVENUE, line, "CHECKOUT_SEGMENTED is not a stream or table created before")


def test_a_statement_the_checker_cannot_read(repo: Path) -> None:
    (repo / MIGRATIONS / "V000009__extra.sql").write_text("-- one more\nDROP STREAM check_out_events;\n")
    assert_reported(repo, "V000009__extra.sql", 2, "a statement the checks do not read: DROP")


def test_the_command_prints_file_line_and_reason(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ksql_check.main(["--repo", str(repo)]) == 0
    line = break_file(repo, MIGRATIONS / REGISTRATIONS, "EMIT FINAL;", "EMIT CHANGES;")
    capsys.readouterr()
    assert ksql_check.main(["--repo", str(repo)]) == 1
    output = capsys.readouterr().out
    assert f"{MIGRATIONS / REGISTRATIONS}:{line}: SEGMENT_REGISTRATIONS is windowed but emits CHANGES" in output
