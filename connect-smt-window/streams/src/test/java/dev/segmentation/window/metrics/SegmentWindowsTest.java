package dev.segmentation.window.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.segmentation.window.Segment;
import dev.segmentation.window.WindowSpec;

/**
 * The window stage's merging of partials, with Kafka's own stores: partials of several per-user tasks meet in their
 * windows whether or not the stage restarted between them, and what comes after a window closed is late there.
 */
class SegmentWindowsTest {

    private static final long MINUTE = 60_000L;
    private static final long T0 = Instant.parse("2026-03-02T08:00:00Z").toEpochMilli();
    private static final WindowSpec WINDOWS = new WindowSpec(60 * MINUTE, 15 * MINUTE, 0);
    private static final long PANE = WINDOWS.latestWindow(T0);
    private static final Bytes DE = Bytes.wrap(new Segment("25-34", "de", "web.de").toBytes());

    private MockProcessorContext<GenericRecord, GenericRecord> context;

    @BeforeEach
    void stores() {
        context = new MockProcessorContext<>();
        for (StateStore store : List.of(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SegmentWindows.PANE_STORE),
                        Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build(),
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SegmentWindows.CLOCK_STORE),
                        Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build(),
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SegmentWindows.LATE_STORE),
                        Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build())) {
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
    }

    @Test
    void partialsOfEveryUpstreamTaskMeetInTheirWindowsAcrossARestart() {
        SegmentWindows before = started();
        before.process(partial(0, 1, 5 * MINUTE));
        before.process(clock(T0 + 10 * MINUTE));

        // A new instance over the same stores, as after a crash or when the task moves to another instance.
        SegmentWindows after = started();
        after.process(partial(1, 1, 10 * MINUTE));
        after.process(clock(T0 + 75 * MINUTE));

        Map<Long, Object> registrations = rows("SegmentRegistrations", "registrations");
        assertThat(registrations).as("every window of the pane, both tasks' registrations")
                .containsOnlyKeys(-45L, -30L, -15L, 0L).containsValue(2L).doesNotContainValue(1L);
        assertThat(rows("SegmentSessions", "p95_duration_ms")).containsEntry(0L, 10 * MINUTE);
        assertThat(rows("SegmentSessions", "avg_duration_ms")).containsEntry(0L, 7.5 * MINUTE);
        assertThat(rows("SegmentLateEvents", "late_events")).isEmpty();
    }

    @Test
    void aRevivedInstanceCountsWhatItsStoresHoldOnce() {
        SegmentWindows windows = started();
        windows.process(partial(0, 1, 5 * MINUTE));
        // As Kafka does after an aborted transaction: the same instance, initialised again over its stores.
        windows.init(context);
        windows.process(clock(T0 + 75 * MINUTE));

        assertThat(rows("SegmentRegistrations", "registrations")).containsEntry(0L, 1L).doesNotContainValue(2L);
    }

    @Test
    void aPartialAfterSomeOfItsWindowsClosedIsLateThereAndCountsInTheOthers() {
        SegmentWindows windows = started();
        windows.process(clock(T0 + 30 * MINUTE));
        windows.process(partial(1, 1, 5 * MINUTE));
        windows.process(clock(T0 + 75 * MINUTE));

        assertThat(rows("SegmentLateEvents", "late_events")).as("a registration and a sign-in, in the closed windows")
                .containsOnlyKeys(-45L, -30L).containsValues(2L);
        assertThat(rows("SegmentLateEvents", "late_sessions")).containsValues(1L);
        assertThat(rows("SegmentRegistrations", "registrations")).containsOnlyKeys(-15L, 0L).containsValues(1L);
        assertThat(rows("SegmentActiveUsers", "active_users")).containsOnlyKeys(-15L, 0L).containsValues(1L);
    }

    @Test
    void aWindowStaysOpenUntilTheClockPassesItsEnd() {
        SegmentWindows windows = started();
        windows.process(partial(0, 1, 5 * MINUTE));
        windows.process(clock(T0 + 15 * MINUTE - 1));
        assertThat(context.forwarded()).as("every upstream task may still send to 7:15-8:15").isEmpty();

        windows.process(clock(T0 + 15 * MINUTE));
        assertThat(rows("SegmentRegistrations", "registrations")).containsOnlyKeys(-45L);
    }

    @Test
    void theLastWindowsCloseOnceEveryUpstreamTaskHasSentItsWatermark() {
        SegmentWindows windows = started();
        windows.process(partial(0, 1, 5 * MINUTE));
        windows.process(partial(1, 1, 5 * MINUTE));
        windows.process(watermark(0, T0 + 2 * 60 * MINUTE));
        assertThat(context.forwarded()).as("upstream task 1 may still send").isEmpty();

        windows.process(watermark(1, T0 + 3 * 60 * MINUTE));
        assertThat(rows("SegmentRegistrations", "registrations")).as("closed by the smaller watermark")
                .containsOnlyKeys(-45L, -30L, -15L, 0L).containsValues(2L);
    }

    @Test
    void anEventJudgedLateUpstreamCountsInEveryOneOfItsWindowsAndNowhereElse() {
        SegmentWindows windows = started();
        windows.process(new Record<>(DE, new Contribution(Contribution.Kind.LATE, 0, 0, 0), T0 + 20 * MINUTE));
        windows.process(clock(T0 + 2 * 60 * MINUTE));

        assertThat(rows("SegmentLateEvents", "late_events")).containsOnlyKeys(-30L, -15L, 0L, 15L)
                .containsValues(1L);
        assertThat(rows("SegmentRegistrations", "registrations")).isEmpty();
    }

    private SegmentWindows started() {
        SegmentWindows windows = new SegmentWindows(WINDOWS, 120 * MINUTE, 2,
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        windows.init(context);
        return windows;
    }

    /** A partial of the pane 8:00-8:15: registrations, a sign-in new in every window, and one session. */
    private static Record<Bytes, Object> partial(int origin, int registrations, long sessionMs) {
        Partial partial = new Partial(PANE, origin, WINDOWS.windowsPerEvent());
        for (int i = 0; i < registrations; i++) {
            partial.add(new Contribution(Contribution.Kind.REGISTRATION, origin, 0, 0));
        }
        partial.add(new Contribution(Contribution.Kind.SIGN_IN, origin, 0b1111, 0));
        partial.add(new Contribution(Contribution.Kind.SESSION_END, origin, 0, sessionMs));
        return new Record<>(DE, partial, T0 + 15 * MINUTE - 1);
    }

    private static Record<Bytes, Object> watermark(int origin, long time) {
        return new Record<>(Bytes.wrap(Segment.WATERMARK.toBytes()), Contribution.watermark(origin), time);
    }

    private static Record<Bytes, Object> clock(long time) {
        return new Record<>(Bytes.wrap(new byte[0]), Contribution.CLOCK, time);
    }

    /** One field of the rows of one schema, by window start in minutes after T0; the latest row wins. */
    private Map<Long, Object> rows(String schema, String field) {
        Map<Long, Object> rows = new TreeMap<>();
        context.forwarded().stream().map(forward -> forward.record().value())
                .filter(row -> row.getSchema().getName().equals(schema))
                .forEach(row -> rows.put(((Long) row.get("window_start") - T0) / MINUTE, row.get(field)));
        return rows;
    }
}
