package dev.segmentation.window.metrics;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.config.TopicConfig;
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
 * The pieces of the per-segment window stage that the topology wires together: alignment of the upstream
 * partitions and late detection before the windowed aggregation, the aggregation's initializer, aggregator and
 * serde, and the row emitter after it.
 */
public final class WindowStage {

    /**
     * Topic settings for the changelogs of window stores. Kafka Streams gives them a time limit (the store's
     * retention plus a day), and brokers apply it to record timestamps, which are event times here: in a backfill of
     * event times older than that limit, the broker would delete the open windows' entries within minutes, and a
     * restart would restore the windows without them. Stamped with the time they are appended, the entries are kept
     * for that limit from when they were written instead.
     */
    public static final Map<String, String> WINDOW_CHANGELOG_CONFIG =
            Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");

    private static final Map<String, String> WAITING_CHANGELOG_CONFIG = Map.of(
            TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024),
            TopicConfig.DELETE_RETENTION_MS_CONFIG, Long.toString(Duration.ofMinutes(10).toMillis()));

    private final WindowSpec windows;
    private final long dedupHorizonMs;
    private final int upstreamPartitions;
    private final long alignmentIdleMs;
    private final Clock clock;

    /**
     * @param dedupHorizonMs     how far behind stream time the intake still accepts events
     * @param upstreamPartitions how many upstream partitions feed the windows: the input topics' partition count
     * @param alignmentIdleMs    how long a silent upstream partition holds the others back
     * @param clock              stamps {@code emitted_at}
     */
    public WindowStage(WindowSpec windows, long dedupHorizonMs, int upstreamPartitions, long alignmentIdleMs,
                       Clock clock) {
        this.windows = windows;
        this.dedupHorizonMs = dedupHorizonMs;
        this.upstreamPartitions = upstreamPartitions;
        this.alignmentIdleMs = alignmentIdleMs;
        this.clock = clock;
    }

    /** The stores that late detection and the emitter share; add them to the topology once. */
    public List<StoreBuilder<?>> stores() {
        return List.of(
                // In memory, beside the queue OriginAlignment releases from: every contribution is written here and
                // deleted again, and in RocksDB that took about a tenth of the stream thread. The store is
                // read only at start-up, when it is restored from its changelog in full, so the changelog is kept
                // short: small segments that compaction can clean, and deletions it may drop after ten minutes.
                // Not cached: the cache filled with waiting contributions, pushing the per-user state out. Even
                // with KafkaInternals' flush listener, which keeps what leaves within a commit out of the changelog, a
                // 1,000,000-event run logged 42 -> 28 MiB here but 79 -> 93 MiB of waiting events and 42 -> 50 MiB
                // of user state, and the stream thread took more CPU per event.
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(OriginAlignment.WAITING_STORE),
                        Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled()
                        .withLoggingEnabled(WAITING_CHANGELOG_CONFIG),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LateEventDetector.CLOCK_STORE),
                        Serdes.Bytes(), Serdes.ByteArray()),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LateEventDetector.LATE_STORE),
                        Serdes.Bytes(), Serdes.ByteArray()).withCachingEnabled(),
                SessionDurations.storeBuilder(windows));
    }

    /** Holds back contributions until every upstream partition has got as far; see {@link OriginAlignment}. */
    public FixedKeyProcessorSupplier<Bytes, Contribution, Contribution> alignment() {
        return () -> new OriginAlignment(upstreamPartitions, alignmentIdleMs);
    }

    /** Names of the stores alignment uses. */
    public String[] alignmentStores() {
        return new String[] {OriginAlignment.WAITING_STORE};
    }

    /** Late detection; its output is a {@link Contribution} for the windows or a {@link LateCount}. */
    public FixedKeyProcessorSupplier<Bytes, Contribution, Object> lateDetector() {
        return () -> new LateEventDetector(windows, dedupHorizonMs, upstreamPartitions);
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
