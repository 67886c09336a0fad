package dev.segmentation.window.windows;

import java.time.Clock;
import java.util.List;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Aggregator;
import org.apache.kafka.streams.kstream.Initializer;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import dev.segmentation.window.Segment;
import dev.segmentation.window.WindowSpec;

/**
 * The pieces of the per-segment window stage that the topology wires together: late detection before the
 * windowed aggregation, the aggregation's initializer, aggregator and serde, and the row emitter after it.
 */
public final class WindowStage {

    private final WindowSpec windows;
    private final long dedupHorizonMs;
    private final Clock clock;

    /**
     * @param dedupHorizonMs how far behind stream time the intake still accepts events
     * @param clock          stamps {@code emitted_at}
     */
    public WindowStage(WindowSpec windows, long dedupHorizonMs, Clock clock) {
        this.windows = windows;
        this.dedupHorizonMs = dedupHorizonMs;
        this.clock = clock;
    }

    /** The stores that late detection and the emitter share; add them to the topology once. */
    public List<StoreBuilder<?>> stores() {
        return List.of(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LateEventDetector.CLOCK_STORE),
                        Serdes.Bytes(), Serdes.ByteArray()),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LateEventDetector.LATE_STORE),
                        Serdes.Bytes(), Serdes.ByteArray()).withCachingEnabled(),
                SessionDurations.storeBuilder(windows));
    }

    /** Late detection; its output is a {@link Contribution} for the windows or a {@link LateCount}. */
    public FixedKeyProcessorSupplier<Bytes, Contribution, Object> lateDetector() {
        return () -> new LateEventDetector(windows, dedupHorizonMs);
    }

    /** Names of the stores late detection uses. */
    public String[] lateDetectorStores() {
        return new String[] {LateEventDetector.CLOCK_STORE, LateEventDetector.LATE_STORE, SessionDurations.STORE};
    }

    public Initializer<WindowMetrics> initializer() {
        int ringSize = windows.ringSize();
        return () -> new WindowMetrics(ringSize);
    }

    public Aggregator<Bytes, Contribution, WindowMetrics> aggregator() {
        return (segment, contribution, metrics) -> metrics.add(contribution);
    }

    public Serde<WindowMetrics> metricsSerde() {
        return WindowMetrics.serde(windows.ringSize());
    }

    /** Turns final aggregates into metric rows keyed by {@code SegmentWindowKey}. */
    public ProcessorSupplier<Windowed<Bytes>, WindowMetrics, GenericRecord, GenericRecord> rowEmitter() {
        return () -> new FinalRowEmitter(windows, clock);
    }

    /** Names of the stores the emitter uses. */
    public String[] rowEmitterStores() {
        return new String[] {SessionDurations.STORE};
    }

    /** The late-events row for a late count. */
    public KeyValue<GenericRecord, GenericRecord> lateRow(Bytes segmentKey, LateCount count) {
        Segment segment = Segment.fromBytes(segmentKey.get());
        long start = count.windowStartMs();
        return KeyValue.pair(MetricRows.key(MetricRows.LATE_EVENTS, segment, start),
                MetricRows.lateEvents(segment, start, start + windows.sizeMs(), clock.millis(), count.lateEvents(),
                        count.lateSessions()));
    }
}
