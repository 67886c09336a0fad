package dev.segmentation.window.metrics;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.segmentation.window.WindowSpec;
import dev.segmentation.window.codec.CompactReader;
import dev.segmentation.window.codec.CompactWriter;

/**
 * Stands right before the windowed aggregation and sees exactly the records it sees, so it can tell which
 * windows will refuse a record: it keeps the same stream time (the largest timestamp passed on) and applies the
 * same rule ({@link WindowSpec#isClosed}). A record is passed on if any of its windows is open; for each closed
 * one it adds to that window's late count instead, so that late data is counted, never silently dropped. Events
 * reach the windows in event-time order from every upstream partition, so this only happens to what an upstream
 * partition sends after the others stopped waiting for it (the idle time); events that arrived late upstream come
 * as {@link Contribution.Kind#LATE} and count in the late events of all their windows.
 *
 * <p>It also turns watermarks into clock ticks, through the {@link WatermarkGate}, and records the duration of each
 * session that reaches its windows ({@link SessionDurations}).
 *
 * <p>Kafka's aggregation forgets its stream time on restart, while it remembers which windows it has emitted.
 * After a restart it would take records for windows it has already emitted and never emit them again. So this
 * stage stores its stream time whenever another window closes, and replays it as a clock tick before the first
 * record after a restart: both are back to the same set of closed windows.
 */
final class LateEventDetector implements FixedKeyProcessor<Bytes, Contribution, Object> {

    static final String CLOCK_STORE = "window-clock";
    static final String LATE_STORE = "late-counts";
    private static final Bytes STREAM_TIME_KEY = Bytes.wrap(new byte[] {0});
    private static final byte ORIGIN_KEY_PREFIX = 1;
    private static final long NONE = Long.MIN_VALUE;

    private final WindowSpec windows;
    private final int upstreamPartitions;
    /** Late counts are kept this long after their window's end; see {@link #purgeLateCounts}. */
    private final long lateCountRetentionMs;
    private WatermarkGate gate;

    private FixedKeyProcessorContext<Bytes, Object> context;
    private KeyValueStore<Bytes, byte[]> clock;
    private KeyValueStore<Bytes, byte[]> lateCounts;
    private SessionDurations durations;
    private long streamTime;
    private boolean clockReplayed;

    /**
     * @param dedupHorizonMs     how far behind stream time the intake still accepts events
     * @param upstreamPartitions how many upstream partitions must send their watermark before the windows' clock
     *                           moves by watermarks
     */
    LateEventDetector(WindowSpec windows, long dedupHorizonMs, int upstreamPartitions) {
        this.windows = windows;
        this.upstreamPartitions = upstreamPartitions;
        // Upstream accepts events up to the horizon behind its own stream time; another horizon allows for upstream
        // partitions running behind this one.
        this.lateCountRetentionMs = 2 * dedupHorizonMs;
    }

    @Override
    public void init(FixedKeyProcessorContext<Bytes, Object> context) {
        this.context = context;
        this.clock = context.getStateStore(CLOCK_STORE);
        this.lateCounts = context.getStateStore(LATE_STORE);
        this.durations = new SessionDurations(context.getStateStore(SessionDurations.STORE), windows);
        // Kafka re-initialises the same processor when it revives a task after rolling its stores back: what the
        // fields held before belongs to the rolled-back state, so they start again from the stores.
        this.gate = new WatermarkGate(upstreamPartitions);
        this.streamTime = NONE;
        try (KeyValueIterator<Bytes, byte[]> it = clock.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> entry = it.next();
                long value = ByteBuffer.wrap(entry.value).getLong();
                if (entry.key.equals(STREAM_TIME_KEY)) {
                    streamTime = value;
                } else {
                    gate.restore(ByteBuffer.wrap(entry.key.get(), 1, Integer.BYTES).getInt(), value);
                }
            }
        }
        clockReplayed = streamTime == NONE;
    }

    @Override
    public void process(FixedKeyRecord<Bytes, Contribution> record) {
        if (!clockReplayed) {
            clockReplayed = true;
            context.forward(record.withValue((Object) Contribution.CLOCK).withTimestamp(streamTime));
        }
        Contribution contribution = record.value();
        int origin = contribution.origin();
        if (origin >= 0 && gate.noteOrigin(origin)) {
            storeOrigin(origin);
        }
        if (contribution.kind() == Contribution.Kind.WATERMARK) {
            long released = gate.onWatermark(origin, record.timestamp());
            storeOrigin(origin);
            if (released != WatermarkGate.NONE) {
                advance(released);
                context.forward(record.withValue((Object) Contribution.CLOCK).withTimestamp(released));
            }
            return;
        }
        long time = record.timestamp();
        if (contribution.kind() == Contribution.Kind.LATE) {
            // Judged late upstream, where the event arrived: it counts in every one of its windows' late events.
            for (long window = windows.earliestWindow(time); window <= windows.latestWindow(time); window++) {
                countLate(record, window, contribution.kind());
            }
            return;
        }
        advance(time);
        long earliest = windows.earliestWindow(time);
        long latest = windows.latestWindow(time);
        long firstOpen = earliest;
        while (firstOpen <= latest && windows.isClosed(firstOpen, streamTime)) {
            countLate(record, firstOpen, contribution.kind());
            firstOpen++;
        }
        if (firstOpen <= latest) {
            context.forward(record.withValue(contribution));
            // After the forward: windows this record closed were emitted without reading this entry anyway.
            if (contribution.kind() == Contribution.Kind.SESSION_END) {
                durations.record(record.key(), time, contribution.amount(), firstOpen);
            }
        }
    }

    private void advance(long time) {
        if (time <= streamTime) {
            return;
        }
        boolean moreClosed = streamTime == NONE || closedUpTo(time) > closedUpTo(streamTime);
        streamTime = time;
        if (moreClosed) {
            // Only the set of closed windows decides anything, so storing the time when it grows is enough.
            clock.put(STREAM_TIME_KEY, ByteBuffer.allocate(Long.BYTES).putLong(time).array());
            purgeLateCounts();
        }
    }

    /** The index of the latest window closed at the given stream time. */
    private long closedUpTo(long time) {
        return Math.floorDiv(time - windows.graceMs() - windows.sizeMs(), windows.advanceMs());
    }

    private void countLate(FixedKeyRecord<Bytes, Contribution> record, long window, Contribution.Kind kind) {
        Bytes key = lateKey(windows.start(window), record.key());
        byte[] stored = lateCounts.get(key);
        long events = 0;
        long sessions = 0;
        if (stored != null) {
            CompactReader in = new CompactReader(stored);
            events = in.readUnsigned();
            sessions = in.readUnsigned();
        }
        if (kind.isInputEvent()) {
            events++;
        } else {
            sessions++;
        }
        lateCounts.put(key, new CompactWriter(8).writeUnsigned(events).writeUnsigned(sessions).toByteArray());
        context.forward(record.withValue(new LateCount(windows.start(window), events, sessions)));
    }

    /**
     * Late counts of windows that can no longer receive events are dropped. A window's late events arrive after it
     * closes and, at the latest, when the intake starts refusing them as too old to deduplicate.
     */
    private void purgeLateCounts() {
        long before = streamTime - lateCountRetentionMs - windows.sizeMs();
        List<Bytes> expired = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = lateCounts.range(startPrefix(Long.MIN_VALUE), startPrefix(before))) {
            it.forEachRemaining(entry -> expired.add(entry.key));
        }
        // put(null) deletes without reading the old value back, as delete() would.
        expired.forEach(key -> lateCounts.put(key, null));
    }

    private void storeOrigin(int origin) {
        Bytes key = Bytes.wrap(ByteBuffer.allocate(1 + Integer.BYTES).put(ORIGIN_KEY_PREFIX).putInt(origin).array());
        clock.put(key, ByteBuffer.allocate(Long.BYTES).putLong(gate.watermarkOf(origin)).array());
    }

    private static Bytes startPrefix(long windowStart) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(windowStart ^ Long.MIN_VALUE).array());
    }

    private static Bytes lateKey(long windowStart, Bytes segment) {
        byte[] bytes = segment.get();
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + bytes.length).putLong(windowStart ^ Long.MIN_VALUE)
                .put(bytes).array());
    }
}
