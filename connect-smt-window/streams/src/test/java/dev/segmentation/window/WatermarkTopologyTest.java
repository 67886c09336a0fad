package dev.segmentation.window;

import static dev.segmentation.window.TestEvents.HOUR;
import static dev.segmentation.window.TestEvents.MINUTE;
import static dev.segmentation.window.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.segmentation.window.ExpectedMetrics.WindowKey;
import dev.segmentation.window.TestEvents.Event;

/** Watermarks close the last windows of a bounded run, and windows close exactly at end plus grace. */
class WatermarkTopologyTest {

    private static final String[] SEGMENT = {"25-34", "de", "web.de"};

    private final SegmentationHarness harness = new SegmentationHarness(Map.of());

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void watermarksOnEveryTopicCloseTheLastWindowsAndAreNeverCounted() {
        harness.send(Event.registration("e1", "u1", T0 + 5 * MINUTE, 30, "de", "web.de"));
        harness.send(Event.registration("e2", "u2", T0 + 20 * MINUTE, 31, "de", "web.de"));
        harness.send(Event.inSession(TestEvents.SIGN_IN, "e3", "u1", T0 + 21 * MINUTE, "s1"));
        // Signed out, so the watermarks' stream time does not close the session (and with it a window).
        harness.send(Event.inSession(TestEvents.SIGN_OUT, "e4", "u1", T0 + 22 * MINUTE, "s1"));
        assertThat(harness.read("segment_registrations")).as("no window has closed yet").isEmpty();

        // One partition's watermark counts only once all six topics have sent theirs.
        for (String topic : TestEvents.TOPICS.subList(0, 5)) {
            harness.send(Arrival.watermark(topic, T0 + 3 * HOUR));
        }
        assertThat(harness.read("segment_registrations")).isEmpty();
        harness.send(Arrival.watermark(TestEvents.TOPICS.get(5), T0 + 3 * HOUR));

        Map<WindowKey, Long> registrations = OutputRows.windowed(harness.read("segment_registrations"), "registrations",
                HOUR, row -> (Long) row.get("registrations"));
        // u1 (8:05) falls in the windows from 7:15 to 8:00, u2 (8:20) in those from 7:30 to 8:15.
        Map<WindowKey, Long> expected = new java.util.HashMap<>();
        for (long start = T0 - 45 * MINUTE; start <= T0 + 15 * MINUTE; start += 15 * MINUTE) {
            long count = (start == T0 - 45 * MINUTE || start == T0 + 15 * MINUTE) ? 1 : 2;
            expected.put(WindowKey.of(SEGMENT, start), count);
            expected.put(WindowKey.of(ExpectedMetrics.ALL, start), count);
        }
        assertThat(registrations).isEqualTo(expected);
        Map<WindowKey, Long> active = OutputRows.windowed(harness.read("segment_active_users"), "active_users", HOUR,
                row -> (Long) row.get("active_users"));
        assertThat(active).containsEntry(WindowKey.of(SEGMENT, T0 + 15 * MINUTE), 1L).hasSize(8);
        assertThat(harness.read("segment_late_events")).isEmpty();
        assertThat(harness.readDeadLetters()).isEmpty();
    }

    @Test
    void anEventIsLateOnceItsOwnTopicHasReachedItsTimePlusGrace() {
        harness.send(Event.registration("e1", "u1", T0 + MINUTE, 30, "de", "web.de"));
        harness.send(Event.registration("e2", "u2", T0 + 74 * MINUTE, 40, "fr", "gmail.com"));
        // The registrations have reached 9:14, which is 8:59 plus grace (15 min).
        harness.send(Event.registration("e3", "u3", T0 + 59 * MINUTE, 30, "de", "web.de"));
        harness.sendWatermarks(T0 + 5 * HOUR);

        Map<WindowKey, Long> registrations = registrations();
        assertThat(registrations.get(WindowKey.of(SEGMENT, T0))).as("8:00 window: u1 only").isEqualTo(1L);
        assertThat(registrations).as("u3 counts in none of its windows").doesNotContainKey(WindowKey.of(SEGMENT, T0 + 15 * MINUTE));
        Map<WindowKey, Long> expectedLate = new java.util.HashMap<>();
        for (long start = T0; start <= T0 + 45 * MINUTE; start += 15 * MINUTE) {
            expectedLate.put(WindowKey.of(SEGMENT, start), 1L);
            expectedLate.put(WindowKey.of(ExpectedMetrics.ALL, start), 1L);
        }
        assertThat(lateEvents()).isEqualTo(expectedLate);
    }

    @Test
    void aDuplicateCountsNowhereWhetherItsFirstCopyCameOnTimeOrLate() {
        harness.send(Event.registration("e1", "u1", T0 + MINUTE, 30, "de", "web.de"));
        // e1 is applied before its duplicate arrives, late.
        harness.sendWatermarks(T0 + 30 * MINUTE);
        harness.send(Event.registration("e2", "u2", T0 + 74 * MINUTE, 40, "fr", "gmail.com"));
        harness.send(Event.registration("e1", "u1", T0 + MINUTE, 30, "de", "web.de"));
        // e3 is late, and so is its duplicate.
        harness.send(Event.registration("e3", "u3", T0 + 59 * MINUTE, 30, "de", "web.de"));
        harness.send(Event.registration("e3", "u3", T0 + 59 * MINUTE, 30, "de", "web.de"));
        harness.sendWatermarks(T0 + 5 * HOUR);

        assertThat(registrations().get(WindowKey.of(SEGMENT, T0))).as("8:00 window: u1 once").isEqualTo(1L);
        Map<WindowKey, Long> expectedLate = new java.util.HashMap<>();
        for (long start = T0; start <= T0 + 45 * MINUTE; start += 15 * MINUTE) {
            expectedLate.put(WindowKey.of(SEGMENT, start), 1L);
            expectedLate.put(WindowKey.of(ExpectedMetrics.ALL, start), 1L);
        }
        assertThat(lateEvents()).as("e3 once, the duplicate of e1 nowhere").isEqualTo(expectedLate);
    }

    @Test
    void anEventOneMillisecondWithinGraceTakesItsPlace() {
        harness.send(Event.registration("e1", "u1", T0 + MINUTE, 30, "de", "web.de"));
        harness.send(Event.registration("e2", "u2", T0 + 74 * MINUTE - 1, 40, "fr", "gmail.com"));
        harness.send(Event.registration("e3", "u3", T0 + 59 * MINUTE, 30, "de", "web.de"));
        harness.sendWatermarks(T0 + 5 * HOUR);

        assertThat(registrations().get(WindowKey.of(SEGMENT, T0))).isEqualTo(2L);
        assertThat(lateEvents()).isEmpty();
    }

    @Test
    void anEventBehindAnotherTopicIsNotLate() {
        harness.send(Event.registration("e1", "u1", T0, 30, "de", "web.de"));
        harness.send(Event.registration("e2", "u2", T0 + 90 * MINUTE, 40, "fr", "gmail.com"));
        // An hour and a half behind the registrations, but the first sign-in of its topic: it takes its place.
        harness.send(Event.inSession(TestEvents.SIGN_IN, "i1", "u1", T0 + MINUTE, "s1"));
        harness.sendWatermarks(T0 + 5 * HOUR);

        Map<WindowKey, Long> active = OutputRows.windowed(harness.read("segment_active_users"), "active_users", HOUR,
                row -> (Long) row.get("active_users"));
        assertThat(active).containsEntry(WindowKey.of(SEGMENT, T0), 1L).hasSize(8);
        assertThat(lateEvents()).isEmpty();
    }

    @Test
    void aProducerBackWithinTheIdleLimitLosesNothingAndMovesNothing() {
        harness.send(Event.registration("r1", "u1", T0, 30, "de", "web.de"));
        harness.send(Event.inSession(TestEvents.SIGN_IN, "i1", "u1", T0 + MINUTE, "s1"));
        // The other topics are at 8:30 and sign_out at 8:05 when the producer goes, for four minutes of wall-clock
        // time, under the five of the idle limit: nothing stops waiting for sign_out.
        TestEvents.TOPICS.stream().filter(topic -> !topic.equals(TestEvents.SIGN_OUT))
                .forEach(topic -> harness.send(Arrival.watermark(topic, T0 + 30 * MINUTE)));
        harness.send(Arrival.watermark(TestEvents.SIGN_OUT, T0 + 5 * MINUTE));
        harness.advanceWallClock(java.time.Duration.ofMinutes(4));
        harness.send(Event.inSession(TestEvents.SIGN_OUT, "o1", "u1", T0 + 12 * MINUTE, "s1"));
        harness.sendWatermarks(T0 + 5 * HOUR);

        assertThat(lateEvents()).isEmpty();
        Map<WindowKey, List<Object>> sessions = OutputRows.windowed(harness.read("segment_sessions"), "sessions",
                HOUR, row -> List.of(row.get("sessions"), row.get("avg_duration_ms")));
        assertThat(sessions.get(WindowKey.of(SEGMENT, T0))).as("one session, sign-in to sign-out")
                .containsExactly(1L, 11.0 * MINUTE);
    }

    @Test
    void aTopicSilentBeyondTheIdleLimitStopsHoldingThePartitionAndWhatItSendsBehindCountsAsLate() {
        harness.send(Event.registration("r1", "u1", T0, 30, "de", "web.de"));
        harness.send(Event.inSession(TestEvents.SIGN_IN, "i1", "u1", T0 + MINUTE, "s1"));
        // Every topic but sign_out moves on to 9:00; sign_out has sent nothing.
        TestEvents.TOPICS.stream().filter(topic -> !topic.equals(TestEvents.SIGN_OUT))
                .forEach(topic -> harness.send(Arrival.watermark(topic, T0 + HOUR)));
        harness.advanceWallClock(java.time.Duration.ofMinutes(6));
        // Released up to 8:45 without it: its sign-out at 8:12 comes behind and is late.
        harness.send(Event.inSession(TestEvents.SIGN_OUT, "o1", "u1", T0 + 12 * MINUTE, "s1"));
        harness.sendWatermarks(T0 + 5 * HOUR);

        assertThat(lateEvents()).containsEntry(WindowKey.of(SEGMENT, T0), 1L).hasSize(8);
    }

    private Map<WindowKey, Long> registrations() {
        return OutputRows.windowed(harness.read("segment_registrations"), "registrations", HOUR,
                row -> (Long) row.get("registrations"));
    }

    private Map<WindowKey, Long> lateEvents() {
        List<TestRecord<GenericRecord, GenericRecord>> rows = harness.read("segment_late_events");
        return OutputRows.latest(rows, "late_events", HOUR, row -> (Long) row.get("late_events"));
    }
}
