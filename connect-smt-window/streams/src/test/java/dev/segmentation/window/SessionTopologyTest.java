package dev.segmentation.window;

import static dev.segmentation.window.TestEvents.HOUR;
import static dev.segmentation.window.TestEvents.MINUTE;
import static dev.segmentation.window.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.segmentation.window.ExpectedMetrics.WindowKey;
import dev.segmentation.window.TestEvents.Event;
import dev.segmentation.window.metrics.Contribution;

/**
 * Sessions, worked out by hand: signed out, abandoned (closed by the 30-minute default timeout after their last
 * event), signed out before their sign-in arrived, and signed out after they had timed out.
 */
class SessionTopologyTest {

    private static final String[] SEGMENT = {"25-34", "de", "web.de"};

    private final SegmentationHarness harness = new SegmentationHarness(Map.of());

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void sessionsEndAtTheirSignOutOrTimeoutAndCountInTheWindowsOfThatEnd() {
        for (String user : List.of("u1", "u2", "u3", "u4")) {
            harness.send(Event.registration("r-" + user, user, T0 - 50 * MINUTE, 30, "de", "web.de"));
        }
        harness.send(at("u1", TestEvents.SIGN_IN, 1, "s1"));
        harness.send(at("u2", TestEvents.SIGN_IN, 2, "s2"));
        harness.send(at("u1", TestEvents.ITEM_VIEW, 3, "s1"));
        harness.send(at("u2", TestEvents.ITEM_VIEW, 5, "s2"));   // s2's last event: it times out at 8:35
        harness.send(at("u4", TestEvents.SIGN_IN, 6, "s4"));     // nothing more: s4 times out at 8:36
        harness.send(at("u1", TestEvents.SIGN_OUT, 10, "s1"));   // s1: 8:01 to 8:10, 9 minutes
        harness.send(at("u3", TestEvents.SIGN_OUT, 12, "s3"));   // arrives before its sign-in,
        harness.send(at("u3", TestEvents.SIGN_IN, 4, "s3"));     // which takes its place first: 8:04 to 8:12
        harness.send(Event.registration("r-u5", "u5", T0 + 37 * MINUTE, 30, "de", "web.de"));   // 8:37: both time out
        harness.send(at("u4", TestEvents.SIGN_OUT, 40, "s4"));   // too late, s4 has timed out with 0 minutes
        harness.sendWatermarks(T0 + 5 * HOUR);

        Map<WindowKey, List<Object>> sessions = OutputRows.windowed(harness.read("segment_sessions"), "sessions", HOUR,
                row -> List.of(row.get("sessions"), row.get("avg_duration_ms"), row.get("p95_duration_ms")));
        Map<WindowKey, List<Object>> expected = new HashMap<>();
        // Ends: s1 8:10 (9 min), s3 8:12 (8 min), s2 8:35 (3 min), s4 8:36 (0 min).
        List<Object> s1s3 = List.of(2L, 8.5 * MINUTE, 9 * MINUTE);
        List<Object> all = List.of(4L, 5.0 * MINUTE, 9 * MINUTE);
        List<Object> s2s4 = List.of(2L, 1.5 * MINUTE, 3 * MINUTE);
        for (String[] segment : List.of(SEGMENT, ExpectedMetrics.ALL)) {
            expected.put(WindowKey.of(segment, T0 - 45 * MINUTE), s1s3);
            expected.put(WindowKey.of(segment, T0 - 30 * MINUTE), s1s3);
            expected.put(WindowKey.of(segment, T0 - 15 * MINUTE), all);
            expected.put(WindowKey.of(segment, T0), all);
            expected.put(WindowKey.of(segment, T0 + 15 * MINUTE), s2s4);
            expected.put(WindowKey.of(segment, T0 + 30 * MINUTE), s2s4);
        }
        assertThat(sessions).isEqualTo(expected);

        Map<WindowKey, Long> active = OutputRows.windowed(harness.read("segment_active_users"), "active_users", HOUR,
                row -> (Long) row.get("active_users"));
        assertThat(active).containsEntry(WindowKey.of(SEGMENT, T0), 4L).containsEntry(WindowKey.of(SEGMENT, T0 - 45 * MINUTE), 4L)
                .hasSize(8);
        Map<WindowKey, List<Object>> funnel = OutputRows.windowed(harness.read("segment_funnel"), "funnel", HOUR,
                row -> java.util.Arrays.asList(row.get("viewers"), row.get("cart_adders"), row.get("buyers"),
                        row.get("view_to_cart_rate"), row.get("cart_to_check_out_rate")));
        assertThat(funnel.get(WindowKey.of(SEGMENT, T0))).containsExactly(2L, 0L, 0L, 0.0, null);
        assertThat(harness.read("segment_late_events")).isEmpty();
    }

    @Test
    void aSessionIsTheSameWhateverOrderItsEventsArriveIn() {
        harness.send(Event.registration("r-u1", "u1", T0 - 50 * MINUTE, 30, "de", "web.de"));
        harness.send(Event.registration("r-u2", "u2", T0 - 50 * MINUTE, 30, "de", "web.de"));
        // s1: its view arrives before its sign-in; it times out 30 minutes after the view, lasting 5 minutes.
        harness.send(at("u1", TestEvents.ITEM_VIEW, 5, "s1"));
        harness.send(at("u1", TestEvents.SIGN_IN, 0, "s1"));
        // s2: signed in at 8:01; other topics move on to 8:45, past its timeout (8:31) in arrival order, ...
        harness.send(at("u2", TestEvents.SIGN_IN, 1, "s2"));
        harness.send(Event.registration("r-u3", "u3", T0 + 45 * MINUTE, 30, "de", "web.de"));
        harness.send(at("u3", TestEvents.SIGN_IN, 45, "s3"));
        // ... then its view at 8:25 arrives within grace of its own topic (8:05) and keeps it open to 8:55.
        harness.send(at("u2", TestEvents.ITEM_VIEW, 25, "s2"));
        harness.send(at("u3", TestEvents.SIGN_OUT, 50, "s3"));
        harness.sendWatermarks(T0 + 5 * HOUR);

        Map<WindowKey, List<Object>> sessions = OutputRows.windowed(harness.read("segment_sessions"), "sessions", HOUR,
                row -> List.of(row.get("sessions"), row.get("avg_duration_ms"), row.get("p95_duration_ms")));
        // Ends: s1 8:35 (5 min), s3 8:50 (5 min), s2 8:55 (24 min).
        assertThat(sessions.get(WindowKey.of(SEGMENT, T0))).containsExactly(3L, 34.0 / 3 * MINUTE, 24 * MINUTE);
        assertThat(sessions.get(WindowKey.of(SEGMENT, T0 + 30 * MINUTE))).containsExactly(3L, 34.0 / 3 * MINUTE,
                24 * MINUTE);
        assertThat(sessions.get(WindowKey.of(SEGMENT, T0 - 15 * MINUTE))).containsExactly(1L, 5.0 * MINUTE,
                5 * MINUTE);
        assertThat(harness.read("segment_late_events")).isEmpty();
    }

    @Test
    void aLateEventNeverOvertakesASessionThatTimedOutBeforeIt() {
        harness.send(Event.registration("r-u1", "u1", T0 - 50 * MINUTE, 30, "de", "web.de"));
        harness.send(at("u1", TestEvents.SIGN_IN, 1, "s1"));                       // times out at 8:31
        harness.send(at("u2", TestEvents.SIGN_IN, 60, "s2"));
        harness.send(at("u3", TestEvents.SIGN_IN, 40, "s3"));                      // late: sign-ins are at 9:00
        harness.sendWatermarks(T0 + 5 * HOUR);

        // The session that timed out at 8:31 travels in the partial of 8:30-8:45, stamped with its last millisecond.
        List<Long> times = harness.readWindowFeed().stream()
                .filter(record -> !(record.value() instanceof Contribution tick
                        && tick.kind() == Contribution.Kind.PROGRESS))
                .map(record -> record.timestamp()).toList();
        assertThat(times).as("what the per-user stage sends, in event time").isSorted()
                .contains(T0 + 40 * MINUTE, T0 + 45 * MINUTE - 1);
        Map<WindowKey, Long> late = OutputRows.latest(harness.read("segment_late_events"), "late_events", HOUR,
                row -> (Long) row.get("late_events"));
        assertThat(late).hasSize(8);
    }

    private static Event at(String user, String topic, int minutesAfterT0, String session) {
        return Event.inSession(topic, user + "-" + topic + "-" + minutesAfterT0, user, T0 + minutesAfterT0 * MINUTE,
                session);
    }
}
