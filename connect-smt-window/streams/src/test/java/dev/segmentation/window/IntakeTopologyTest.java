package dev.segmentation.window;

import static dev.segmentation.window.TestEvents.HOUR;
import static dev.segmentation.window.TestEvents.MINUTE;
import static dev.segmentation.window.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.segmentation.window.ExpectedMetrics.WindowKey;
import dev.segmentation.window.TestEvents.Event;
import dev.segmentation.window.users.UserActivity;

/** What happens to each input record before it counts: decoding, checks, deduplication, dead letters. */
class IntakeTopologyTest {

    private static final String[] SEGMENT = {"25-34", "de", "web.de"};

    private final SegmentationHarness harness = new SegmentationHarness(Map.of());

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void everyKindOfBadRecordGoesToTheDeadLetterTopicWithWhyAndWhereAndTheRestStillCounts() {
        Event good = Event.registration("e0", "u0", T0, 30, "de", "web.de");
        harness.send(Arrival.broken(Arrival.Kind.GARBAGE, TestEvents.SIGN_IN, "u1", T0 + MINUTE));
        harness.send(Arrival.broken(Arrival.Kind.UNKNOWN_SCHEMA, TestEvents.ITEM_VIEW, "u1", T0 + MINUTE));
        harness.send(Arrival.event(good.malformed(), "u0", false));
        harness.send(Arrival.event(new Event(TestEvents.REGISTRATION, "e1", "u1", T0, 0, null, 30, "de", "web.de", 0),
                "u1", false));
        harness.send(Arrival.event(Event.registration("e2", "u2", T0, 30, "de", "web.de"), "somebody-else", false));
        harness.send(Arrival.broken(Arrival.Kind.NULL_VALUE, TestEvents.CHECK_OUT, "u1", T0 + MINUTE));
        harness.send(good);
        harness.sendWatermarks(T0 + 3 * HOUR);

        List<TestRecord<byte[], byte[]>> letters = harness.readDeadLetters();
        assertThat(OutputRows.deadLetters(letters)).containsExactly(
                new ExpectedMetrics.DeadLetter(TestEvents.SIGN_IN, 0, "undecodable"),
                new ExpectedMetrics.DeadLetter(TestEvents.ITEM_VIEW, 0, "undecodable"),
                new ExpectedMetrics.DeadLetter(TestEvents.REGISTRATION, 0, "invalid"),
                new ExpectedMetrics.DeadLetter(TestEvents.REGISTRATION, 1, "invalid"),
                new ExpectedMetrics.DeadLetter(TestEvents.REGISTRATION, 2, "invalid"),
                new ExpectedMetrics.DeadLetter(TestEvents.CHECK_OUT, 0, "invalid"));
        assertThat(letters).extracting(letter -> OutputRows.headers(letter).get("segmentation.dlq.exception.class"))
                .containsExactly(
                        "dev.segmentation.window.ingest.UndecodableEventException",
                        "dev.segmentation.events.registry.SchemaNotFoundException",
                        "dev.segmentation.window.ingest.InvalidEventException",
                        "dev.segmentation.window.ingest.InvalidEventException",
                        "dev.segmentation.window.ingest.InvalidEventException",
                        "dev.segmentation.window.ingest.InvalidEventException");
        assertThat(letters).extracting(letter -> OutputRows.headers(letter).get("segmentation.dlq.exception.message"))
                .satisfiesExactly(
                        message -> assertThat(message).contains("Confluent Avro wire format"),
                        message -> assertThat(message).contains("Unknown schema id " + SegmentationHarness.UNKNOWN_SCHEMA_ID),
                        message -> assertThat(message).isEqualTo("Empty user_id"),
                        message -> assertThat(message).contains("schema_version 0"),
                        message -> assertThat(message).contains("key is not the event's user_id"),
                        message -> assertThat(message).contains("null value"));
        // The record itself is kept as it came, key and value.
        assertThat(new String(letters.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("u1");
        assertThat(new String(letters.get(0).value(), StandardCharsets.UTF_8)).startsWith("{\"event_id\":\"u1\"");
        assertThat(letters.get(5).value()).isNull();

        assertThat(registrations()).containsEntry(WindowKey.of(SEGMENT, T0), 1L)
                .containsEntry(WindowKey.of(ExpectedMetrics.ALL, T0), 1L);
    }

    @Test
    void readsAnEventWrittenWithALaterCompatibleSchemaWithoutARestart() {
        harness.send(Event.registration("e1", "u1", T0, 30, "de", "web.de"));
        harness.send(Arrival.event(Event.registration("e2", "u2", T0 + MINUTE, 31, "de", "web.de"), "u2", true));
        harness.sendWatermarks(T0 + 3 * HOUR);

        assertThat(harness.registry.subjects().get(TestEvents.REGISTRATION + "-value")).as("two writer versions")
                .hasSize(2);
        assertThat(registrations()).containsEntry(WindowKey.of(SEGMENT, T0), 2L);
        assertThat(harness.readDeadLetters()).isEmpty();
    }

    @Test
    void countsADuplicateOnceAndAnEventWithTheSameTimeButAnotherIdTwice() {
        Event checkOut = Event.checkOut("e2", "u1", T0 + 10 * MINUTE, "s1", 2_500);
        harness.send(Event.registration("e1", "u1", T0, 30, "de", "web.de"));
        harness.send(checkOut);
        harness.send(checkOut);
        harness.send(Arrival.event(checkOut, "u1", true));
        harness.send(Event.checkOut("e3", "u1", T0 + 10 * MINUTE, "s1", 1_000));
        harness.sendWatermarks(T0 + 3 * HOUR);

        Map<WindowKey, List<Long>> revenue = OutputRows.windowed(harness.read("segment_revenue"), "revenue", HOUR,
                row -> List.of((Long) row.get("revenue_cents"), (Long) row.get("orders")));
        assertThat(revenue.get(WindowKey.of(SEGMENT, T0))).containsExactly(3_500L, 2L);
        assertThat(registrations().get(WindowKey.of(SEGMENT, T0))).isEqualTo(1L);
    }

    @Test
    void anEventFurtherBehindThanTheDeduplicationHorizonIsADeadLetter() {
        harness.send(Event.registration("e1", "u1", T0, 30, "de", "web.de"));
        harness.send(Event.registration("e2", "u2", T0 + 150 * MINUTE, 30, "de", "web.de"));
        // Two hours (the default horizon) and one millisecond behind stream time,
        harness.send(Event.registration("e3", "u3", T0 + 30 * MINUTE - 1, 30, "de", "web.de"));
        // while this one is exactly two hours behind: late for its windows, but counted as such.
        harness.send(Event.registration("e4", "u4", T0 + 30 * MINUTE, 30, "de", "web.de"));
        harness.sendWatermarks(T0 + 6 * HOUR);

        assertThat(OutputRows.deadLetters(harness.readDeadLetters()))
                .containsExactly(new ExpectedMetrics.DeadLetter(TestEvents.REGISTRATION, 2, "expired"));
        Map<WindowKey, Long> late = OutputRows.latest(harness.read("segment_late_events"), "late_events", HOUR,
                row -> (Long) row.get("late_events"));
        assertThat(late).containsEntry(WindowKey.of(SEGMENT, T0 + 30 * MINUTE), 1L).hasSize(8);
    }

    @Test
    void anIdleUsersStateForgetsTheirEventIdsOnceNoneCanComeAgain() {
        Event checkOut = Event.checkOut("e2", "u1", T0 + 10 * MINUTE, "s1", 2_500);
        harness.send(Event.registration("e1", "u1", T0, 30, "de", "web.de"));
        harness.send(checkOut);
        harness.sendWatermarks(T0 + HOUR);
        List<byte[]> remembering = harness.readChangelog(UserActivity.STATE_STORE, "u1");
        // The horizon (two hours) after the check-out, plus the grace for the release point to get there.
        harness.sendWatermarks(T0 + 10 * MINUTE + 2 * HOUR + 15 * MINUTE + 1);
        List<byte[]> forgotten = harness.readChangelog(UserActivity.STATE_STORE, "u1");

        assertThat(remembering).isNotEmpty();
        assertThat(forgotten).isNotEmpty();
        // Each remembered id takes a hash of 8 bytes and an event time of 6.
        assertThat(forgotten.get(forgotten.size() - 1).length)
                .isLessThanOrEqualTo(remembering.get(remembering.size() - 1).length - 2 * 14);
        // A copy of the check-out (after it and two watermarks on its topic) is now more than the horizon behind its
        // topic: a dead letter, not a second order.
        harness.send(checkOut);
        harness.sendWatermarks(T0 + 6 * HOUR);
        assertThat(OutputRows.deadLetters(harness.readDeadLetters()))
                .containsExactly(new ExpectedMetrics.DeadLetter(TestEvents.CHECK_OUT, 3, "expired"));
    }

    private Map<WindowKey, Long> registrations() {
        return OutputRows.windowed(harness.read("segment_registrations"), "registrations", HOUR,
                row -> (Long) row.get("registrations"));
    }
}
