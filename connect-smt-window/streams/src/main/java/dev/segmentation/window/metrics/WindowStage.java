package dev.segmentation.window.metrics;

import java.time.Clock;
import java.util.List;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import dev.segmentation.window.StoreChangelogs;
import dev.segmentation.window.WindowSpec;

/**
 * The pieces of the per-segment window stage that the topology wires together: alignment of the upstream
 * partitions, then the windows, which merge the per-user tasks' partials and emit final rows.
 */
public final class WindowStage {

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

    /** The stores of the window stage; add them to the topology once. */
    public List<StoreBuilder<?>> stores() {
        return List.of(
                // In memory, beside the queue OriginAlignment releases from: every record that waits is written here
                // and deleted again, and in RocksDB that took about a tenth of the stream thread. The store is
                // read only at start-up, when it is restored from its changelog in full.
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(OriginAlignment.WAITING_STORE),
                        Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled()
                        .withLoggingEnabled(StoreChangelogs.RESTORED_IN_FULL),
                // In memory too, beside the panes SegmentWindows keeps: a few panes per segment, read at start-up.
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SegmentWindows.PANE_STORE),
                        Serdes.Bytes(), Serdes.ByteArray()).withCachingEnabled()
                        .withLoggingEnabled(StoreChangelogs.RESTORED_IN_FULL),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SegmentWindows.CLOCK_STORE),
                        Serdes.Bytes(), Serdes.ByteArray()),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SegmentWindows.LATE_STORE),
                        Serdes.Bytes(), Serdes.ByteArray()).withCachingEnabled());
    }

    /** Holds back what the per-user tasks send until every one of them has got as far; see {@link OriginAlignment}. */
    public FixedKeyProcessorSupplier<Bytes, Object, Object> alignment() {
        return () -> new OriginAlignment(upstreamPartitions, alignmentIdleMs);
    }

    /** Names of the stores alignment uses. */
    public String[] alignmentStores() {
        return new String[] {OriginAlignment.WAITING_STORE};
    }

    /** The windows themselves: partials in, final rows and late counts out; see {@link SegmentWindows}. */
    public ProcessorSupplier<Bytes, Object, GenericRecord, GenericRecord> segmentWindows() {
        return () -> new SegmentWindows(windows, dedupHorizonMs, upstreamPartitions, clock);
    }

    /** Names of the stores the windows use. */
    public String[] segmentWindowStores() {
        return new String[] {SegmentWindows.PANE_STORE, SegmentWindows.CLOCK_STORE, SegmentWindows.LATE_STORE};
    }
}
