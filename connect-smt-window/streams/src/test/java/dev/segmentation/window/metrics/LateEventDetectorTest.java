package dev.segmentation.window.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.InternalFixedKeyRecordFactory;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.segmentation.window.Segment;
import dev.segmentation.window.WindowSpec;

/**
 * Late detection across a restart, which the test driver cannot show: the stores survive, the processor (and
 * Kafka's windowed aggregation after it) starts over.
 */
class LateEventDetectorTest {

    private static final long MINUTE = 60_000L;
    private static final long T0 = Instant.parse("2026-03-02T08:00:00Z").toEpochMilli();
    private static final WindowSpec WINDOWS = new WindowSpec(60 * MINUTE, 15 * MINUTE, 15 * MINUTE);
    private static final Bytes SEGMENT = Bytes.wrap(new Segment("25-34", "de", "web.de").toBytes());

    private FakeFixedKeyContext<Bytes, Object> context;

    @BeforeEach
    void stores() {
        // The application's stores are persistent; in memory is enough to keep them across the "restart" below.
        MockProcessorContext<Object, Object> mock = new MockProcessorContext<>();
        context = new FakeFixedKeyContext<>();
        for (StoreBuilder<?> builder : List.of(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(LateEventDetector.CLOCK_STORE),
                        Serdes.Bytes(), Serdes.ByteArray()),
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(LateEventDetector.LATE_STORE),
                        Serdes.Bytes(), Serdes.ByteArray()),
                Stores.windowStoreBuilder(Stores.inMemoryWindowStore(SessionDurations.STORE, Duration.ofHours(3),
                        Duration.ofMillis(1), true), Serdes.Bytes(), Serdes.ByteArray()))) {
            StateStore store = builder.withLoggingDisabled().build();
            store.init(mock.getStateStoreContext(), store);
            context.stores.put(store.name(), store);
        }
    }

    @Test
    void afterARestartTheStoredStreamTimeIsReplayedSoClosedWindowsStayClosed() {
        LateEventDetector before = started();
        before.process(record(view(0), T0));
        before.process(record(view(0), T0 + 120 * MINUTE));
        context.forwarded.clear();

        LateEventDetector after = started();
        after.process(record(view(0), T0 + 70 * MINUTE));

        assertThat(context.forwarded.get(0).timestamp()).as("the stream time before the restart")
                .isEqualTo(T0 + 120 * MINUTE);
        // 9:10 falls in the windows ending 9:15, 9:30, 9:45 and 10:00; with stream time at 10:00 and 15 minutes of
        // grace, the first three are closed.
        assertThat(values()).containsExactly(Contribution.CLOCK, new LateCount(T0 + 15 * MINUTE, 1, 0),
                new LateCount(T0 + 30 * MINUTE, 1, 0), new LateCount(T0 + 45 * MINUTE, 1, 0), view(0));
    }

    @Test
    void withoutAnythingStoredThereIsNothingToReplay() {
        LateEventDetector fresh = started();
        fresh.process(record(view(0), T0 + 70 * MINUTE));
        assertThat(values()).containsExactly(view(0));
    }

    @Test
    void aHeldWatermarkAndTheOriginsSurviveARestart() {
        LateEventDetector before = started();
        before.process(record(view(1), T0));
        before.process(record(Contribution.watermark(0), T0 + 180 * MINUTE));
        assertThat(values()).as("origin 1 has not sent its watermark").containsExactly(view(1));
        context.forwarded.clear();

        LateEventDetector after = started();
        after.process(record(Contribution.watermark(1), T0 + 200 * MINUTE));
        assertThat(values()).containsExactly(Contribution.CLOCK, Contribution.CLOCK);
        assertThat(context.forwarded.stream().map(FixedKeyRecord::timestamp).toList()).as("replay, then the release")
                .containsExactly(T0, T0 + 180 * MINUTE);
    }

    private List<Object> values() {
        return context.forwarded.stream().map(record -> (Object) record.value()).toList();
    }

    private LateEventDetector started() {
        LateEventDetector detector = new LateEventDetector(WINDOWS, 2 * 60 * MINUTE, 1);
        detector.init(context);
        return detector;
    }

    private static Contribution view(int origin) {
        return new Contribution(Contribution.Kind.ITEM_VIEW, origin, 0b1, 0);
    }

    private static FixedKeyRecord<Bytes, Contribution> record(Contribution contribution, long timestamp) {
        return InternalFixedKeyRecordFactory.create(new Record<>(SEGMENT, contribution, timestamp));
    }
}
