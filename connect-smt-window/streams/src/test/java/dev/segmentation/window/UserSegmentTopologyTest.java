package dev.segmentation.window;

import static dev.segmentation.window.TestEvents.HOUR;
import static dev.segmentation.window.TestEvents.MINUTE;
import static dev.segmentation.window.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.segmentation.window.ExpectedMetrics.WindowKey;
import dev.segmentation.window.TestEvents.Event;

/** One user's lifecycle and value segments over event time, as the compacted topic receives them. */
class UserSegmentTopologyTest {

    private SegmentationHarness harness = newHarness();

    private static SegmentationHarness newHarness() {
        return new SegmentationHarness(Map.of(
            SegmentationConfig.LIFECYCLE_NEW_CONFIG, Long.toString(HOUR),
            SegmentationConfig.LIFECYCLE_AT_RISK_CONFIG, Long.toString(2 * HOUR),
            SegmentationConfig.LIFECYCLE_DORMANT_CONFIG, Long.toString(4 * HOUR),
            SegmentationConfig.VALUE_RECENCY_CONFIG, Long.toString(3 * HOUR),
            SegmentationConfig.VALUE_HIGH_ORDERS_CONFIG, "2",
            SegmentationConfig.VALUE_HIGH_REVENUE_CONFIG, "10000"));
    }

    private static final String[] SEGMENT = {"25-34", "de", "web.de"};

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void segmentsChangeWithEventsAndWithEventTimeAlone() {
        harness.send(Event.registration("r1", "u1", T0, 30, "de", "web.de"));
        harness.send(Event.checkOut("c1", "u1", T0 + 12 * MINUTE, "s1", 6_000));
        harness.send(Event.checkOut("c2", "u1", T0 + 20 * MINUTE, "s1", 5_000));
        // Watermarks move event time on; u1 does nothing more. Each change is written at the event time it happens.
        harness.sendWatermarks(T0 + 5 * HOUR);

        List<List<Object>> rows = harness.read("user_segments").stream()
                .filter(record -> record.key().get("user_id").toString().equals("u1"))
                .map(record -> row(record.value()))
                .toList();
        assertThat(rows).containsExactly(
                Arrays.asList("new", "none", 0, 0L, null, T0),
                Arrays.asList("new", "low", 1, 6_000L, T0 + 12 * MINUTE, T0 + 12 * MINUTE),
                Arrays.asList("new", "high", 2, 11_000L, T0 + 20 * MINUTE, T0 + 20 * MINUTE),
                // an hour after registration; last seen 40 minutes ago
                Arrays.asList("active", "high", 2, 11_000L, T0 + 20 * MINUTE, T0 + HOUR),
                // two hours without an event
                Arrays.asList("at_risk", "high", 2, 11_000L, T0 + 20 * MINUTE, T0 + 2 * HOUR + 20 * MINUTE),
                // three hours since the last check-out
                Arrays.asList("at_risk", "lapsed", 2, 11_000L, T0 + 20 * MINUTE, T0 + 3 * HOUR + 20 * MINUTE),
                // four hours without an event
                Arrays.asList("dormant", "lapsed", 2, 11_000L, T0 + 20 * MINUTE, T0 + 4 * HOUR + 20 * MINUTE));
    }

    @Test
    void aRegistrationThatArrivesAfterTheUsersLaterEventsStillSetsTheirSegment() {
        harness.send(Event.inSession(TestEvents.SIGN_IN, "i1", "u1", T0 + MINUTE, "s1"));
        // Seven minutes later in arrival, a minute earlier in event time: within grace.
        harness.send(Event.registration("r1", "u1", T0, 30, "de", "web.de"));
        harness.sendWatermarks(T0 + 3 * HOUR);

        List<GenericRecord> rows = harness.read("user_segments").stream().map(record -> record.value()).toList();
        assertThat(rows).extracting(row -> row.get("age_band").toString() + "/" + row.get("preferred_language")
                        + "/" + row.get("email_domain") + "/" + row.get("registered_at"))
                .as("never unknown").containsOnly("25-34/de/web.de/" + T0);
        assertThat(rows.get(0).get("lifecycle_segment").toString()).isEqualTo("new");
        assertThat(rows.get(0).get("as_of")).isEqualTo(T0);
        Map<WindowKey, Long> active = OutputRows.windowed(harness.read("segment_active_users"), "active_users", HOUR,
                row -> (Long) row.get("active_users"));
        assertThat(active).containsEntry(WindowKey.of(SEGMENT, T0), 1L).hasSize(8)
                .doesNotContainKey(WindowKey.of(ExpectedMetrics.UNKNOWN, T0));
    }

    @Test
    void rowsBeforeTheRegistrationsEventTimeDoNotDependOnWhenItArrived() {
        // The sign-in is five minutes before the registration in event time. Whether the registration arrives
        // before or after the sign-in is applied, the rows must be the same: unknown at the sign-in, known after.
        List<List<Object>> registrationFirst = rowsOf(() -> {
            harness.send(Event.registration("r1", "u1", T0 + 5 * MINUTE, 30, "de", "web.de"));
            harness.send(Event.inSession(TestEvents.SIGN_IN, "i1", "u1", T0, "s1"));
            harness.sendWatermarks(T0 + 16 * MINUTE);
            harness.sendWatermarks(T0 + 3 * HOUR);
        });
        harness.close();
        harness = newHarness();
        List<List<Object>> signInApplied = rowsOf(() -> {
            harness.send(Event.inSession(TestEvents.SIGN_IN, "i1", "u1", T0, "s1"));
            // Every topic has reached 8:16, so the sign-in at 8:00 is applied; the registration at 8:05 is still
            // within the grace of 15 minutes when it arrives.
            harness.sendWatermarks(T0 + 16 * MINUTE);
            harness.send(Event.registration("r1", "u1", T0 + 5 * MINUTE, 30, "de", "web.de"));
            harness.sendWatermarks(T0 + 3 * HOUR);
        });

        assertThat(signInApplied).isEqualTo(registrationFirst);
        assertThat(registrationFirst).first()
                .isEqualTo(Arrays.asList("unknown", "active", "none", null, T0));
        assertThat(registrationFirst.get(1))
                .isEqualTo(Arrays.asList("25-34", "new", "none", T0 + 5 * MINUTE, T0 + 5 * MINUTE));
    }

    private List<List<Object>> rowsOf(Runnable input) {
        input.run();
        return harness.read("user_segments").stream()
                .map(record -> Arrays.asList(record.value().get("age_band").toString(),
                        record.value().get("lifecycle_segment").toString(),
                        record.value().get("value_segment").toString(), record.value().get("registered_at"),
                        record.value().get("as_of")))
                .toList();
    }

    @Test
    void aUserWhoseRegistrationIsLateStaysUnknown() {
        harness.send(Event.inSession(TestEvents.SIGN_IN, "i1", "u1", T0 + MINUTE, "s1"));
        harness.send(Event.registration("r2", "u2", T0 + 40 * MINUTE, 31, "de", "web.de"));
        // The registrations have reached 8:40; one at 8:00 is beyond the grace of 15 minutes.
        harness.send(Event.registration("r1", "u1", T0, 30, "de", "web.de"));
        harness.sendWatermarks(T0 + 3 * HOUR);

        Map<WindowKey, Long> active = OutputRows.windowed(harness.read("segment_active_users"), "active_users", HOUR,
                row -> (Long) row.get("active_users"));
        assertThat(active).containsEntry(WindowKey.of(ExpectedMetrics.UNKNOWN, T0), 1L)
                .doesNotContainKey(WindowKey.of(SEGMENT, T0));
        Map<WindowKey, Long> late = OutputRows.latest(harness.read("segment_late_events"), "late_events", HOUR,
                row -> (Long) row.get("late_events"));
        assertThat(late).containsEntry(WindowKey.of(SEGMENT, T0), 1L).hasSize(8);
    }

    private static List<Object> row(GenericRecord value) {
        return Arrays.asList(value.get("lifecycle_segment").toString(), value.get("value_segment").toString(),
                value.get("check_outs"), value.get("revenue_cents"), value.get("last_check_out_at"), value.get("as_of"));
    }
}
