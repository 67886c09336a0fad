package dev.segmentation.window.metrics;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.segmentation.window.Segment;
import dev.segmentation.window.WindowSpec;
import dev.segmentation.window.codec.CompactReader;
import dev.segmentation.window.codec.CompactWriter;

/**
 * The windows of the segments one window partition holds. It merges the partials of every per-user task pane by
 * pane, and when its clock passes a window's end, sums the window's panes into one final row per metric and segment.
 *
 * <p>The clock moves by what {@link OriginAlignment} lets through: every upstream partition has reached a clock tick,
 * so every partial up to it has arrived. Watermarks move it too, through the {@link WatermarkGate}, once every
 * upstream partition has sent one; they close the last windows of a bounded run. What still arrives for a closed
 * window counts in that window's late events, never silently dropped: a partial from an upstream partition the
 * others stopped waiting for (the idle time), and events judged late upstream ({@link Contribution.Kind#LATE}), which
 * count in all their windows.
 *
 * <p>A metric whose count is zero in a window gets no row; a window without partials gets none at all. The merged
 * panes, the clock and the late counts are in changelogged stores, so a restart resumes with the same windows open.
 */
final class SegmentWindows implements Processor<Bytes, Object, GenericRecord, GenericRecord> {

    static final String PANE_STORE = "segment-window-metrics";
    static final String CLOCK_STORE = "window-clock";
    static final String LATE_STORE = "late-counts";
    private static final Bytes STREAM_TIME_KEY = Bytes.wrap(new byte[] {0});
    private static final byte ORIGIN_KEY_PREFIX = 1;
    private static final long NONE = Long.MIN_VALUE;
    private static final int ACTIVE_USERS = 0;
    private static final int VIEWERS = 1;
    private static final int CART_ADDERS = 2;
    private static final int BUYERS = 3;

    private final WindowSpec windows;
    private final int upstreamPartitions;
    /** Late counts are kept this long after their window's end; see {@link #purgeLateCounts}. */
    private final long lateCountRetentionMs;
    private final Clock wallClock;

    private ProcessorContext<GenericRecord, GenericRecord> context;
    private KeyValueStore<Bytes, byte[]> paneStore;
    private KeyValueStore<Bytes, byte[]> clockStore;
    private KeyValueStore<Bytes, byte[]> lateCounts;
    private WatermarkGate gate;
    /** The merged partials by pane, then segment; the store holds the same, for a restart. */
    private final TreeMap<Long, Map<Bytes, Partial>> panes = new TreeMap<>();
    private long streamTime;
    private long[] durations = new long[64];

    /**
     * @param windows            the windows, without grace: their input arrives in event-time order
     * @param dedupHorizonMs     how far behind its clock the per-user stage still accepts events
     * @param upstreamPartitions how many upstream partitions must send their watermark before it moves the clock
     * @param wallClock          stamps {@code emitted_at}
     */
    SegmentWindows(WindowSpec windows, long dedupHorizonMs, int upstreamPartitions, Clock wallClock) {
        this.windows = windows;
        this.upstreamPartitions = upstreamPartitions;
        // Upstream accepts events up to the horizon behind its own clock; another horizon allows for upstream
        // partitions running behind this one.
        this.lateCountRetentionMs = 2 * dedupHorizonMs;
        this.wallClock = wallClock;
    }

    @Override
    public void init(ProcessorContext<GenericRecord, GenericRecord> context) {
        this.context = context;
        this.paneStore = context.getStateStore(PANE_STORE);
        this.clockStore = context.getStateStore(CLOCK_STORE);
        this.lateCounts = context.getStateStore(LATE_STORE);
        // Kafka re-initialises the same processor when it revives a task after rolling its stores back: what the
        // fields held before belongs to the rolled-back state, so they start again from the stores.
        this.gate = new WatermarkGate(upstreamPartitions);
        this.streamTime = NONE;
        panes.clear();
        try (KeyValueIterator<Bytes, byte[]> it = clockStore.all()) {
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
        try (KeyValueIterator<Bytes, byte[]> it = paneStore.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> entry = it.next();
                ByteBuffer key = ByteBuffer.wrap(entry.key.get());
                long pane = key.getLong() ^ Long.MIN_VALUE;
                byte[] segment = new byte[key.remaining()];
                key.get(segment);
                panes.computeIfAbsent(pane, p -> new HashMap<>()).put(Bytes.wrap(segment), Partial.read(entry.value));
            }
        }
    }

    @Override
    public void process(Record<Bytes, Object> record) {
        int origin = WindowFeedSerde.originOf(record.value());
        if (origin >= 0 && gate.noteOrigin(origin)) {
            storeOrigin(origin);
        }
        if (record.value() instanceof Partial partial) {
            merge(record.key(), partial);
            return;
        }
        Contribution contribution = (Contribution) record.value();
        switch (contribution.kind()) {
            case CLOCK -> advance(record.timestamp());
            case WATERMARK -> {
                long released = gate.onWatermark(origin, record.timestamp());
                storeOrigin(origin);
                if (released != WatermarkGate.NONE) {
                    advance(released);
                }
            }
            case LATE -> {
                // Judged late upstream, where the event arrived: it counts in every one of its windows' late events.
                long time = record.timestamp();
                for (long window = windows.earliestWindow(time); window <= windows.latestWindow(time); window++) {
                    countLate(record.key(), window, 1, 0);
                }
            }
            default -> {
                // Progress ticks stop at the alignment; nothing else is sent here.
            }
        }
    }

    /**
     * Adds a partial to its pane, for the windows of the pane still open, and counts it as late in those already
     * closed, which have had their rows.
     */
    private void merge(Bytes segment, Partial partial) {
        long pane = partial.pane();
        long window = windows.earliestWindow(windows.start(pane));
        for (; window <= pane && isClosed(window); window++) {
            if (partial.events > 0 || partial.sessions > 0) {
                countLate(segment, window, partial.events, partial.sessions);
            }
        }
        if (window > pane) {
            return;
        }
        Map<Bytes, Partial> bySegment = panes.computeIfAbsent(pane, p -> new HashMap<>());
        Partial merged = bySegment.get(segment);
        if (merged == null) {
            merged = partial;
            bySegment.put(segment, partial);
        } else {
            merged.merge(partial);
        }
        paneStore.put(paneKey(pane, segment), merged.write());
    }

    private boolean isClosed(long window) {
        return streamTime != NONE && windows.isClosed(window, streamTime);
    }

    /** Moves the clock on, emitting every window it closes, earliest first. */
    private void advance(long time) {
        if (time <= streamTime) {
            return;
        }
        long previous = streamTime;
        streamTime = time;
        long lastClosed = closedUpTo(time);
        long firstToEmit = previous == NONE ? Long.MIN_VALUE : closedUpTo(previous) + 1;
        if (firstToEmit > lastClosed) {
            return;
        }
        // Only the set of closed windows decides anything, so storing the time when it grows is enough.
        clockStore.put(STREAM_TIME_KEY, ByteBuffer.allocate(Long.BYTES).putLong(time).array());
        while (!panes.isEmpty()) {
            long first = panes.firstKey();
            // Windows before the earliest stored pane's first one have nothing to emit.
            long window = Math.max(firstToEmit, windows.earliestWindow(windows.start(first)));
            if (window > lastClosed) {
                break;
            }
            for (; window <= lastClosed && window <= first; window++) {
                emit(window);
            }
            if (window <= first) {
                // The pane's later windows are still open, and so are those of every pane after it.
                break;
            }
            // Its last window is emitted: the pane is needed no more.
            forget(first);
            firstToEmit = window;
        }
        purgeLateCounts();
    }

    /** The index of the latest window closed at the given stream time. */
    private long closedUpTo(long time) {
        return Math.floorDiv(time - windows.graceMs() - windows.sizeMs(), windows.advanceMs());
    }

    /** One row per metric and segment of a window that closed, summed from its panes. */
    private void emit(long window) {
        NavigableMap<Long, Map<Bytes, Partial>> windowPanes =
                panes.subMap(window, true, window + windows.windowsPerEvent() - 1, true);
        TreeMap<Bytes, List<Partial>> bySegment = new TreeMap<>();
        windowPanes.values().forEach(segments -> segments.forEach((segment, partial) ->
                bySegment.computeIfAbsent(segment, s -> new ArrayList<>()).add(partial)));
        bySegment.forEach((segment, partials) -> emit(window, segment, partials));
    }

    private void emit(long window, Bytes segmentKey, List<Partial> partials) {
        long registrations = 0;
        long sessions = 0;
        long durationSum = 0;
        long orders = 0;
        long revenue = 0;
        long[] distinct = new long[Contribution.Kind.DISTINCT_METRICS];
        for (Partial partial : partials) {
            registrations += partial.registrations;
            orders += partial.orders;
            revenue += partial.revenueCents;
            for (int metric = 0; metric < distinct.length; metric++) {
                distinct[metric] += partial.firstVisits(metric, window);
            }
            if (durations.length < sessions + partial.sessions) {
                durations = Arrays.copyOf(durations, (int) Math.max(2 * durations.length, sessions + partial.sessions));
            }
            System.arraycopy(partial.durations, 0, durations, (int) sessions, (int) partial.sessions);
            sessions += partial.sessions;
            durationSum += partial.sessionDurationMs;
        }
        Segment segment = Segment.fromBytes(segmentKey.get());
        long start = windows.start(window);
        long end = windows.end(window);
        long emittedAt = wallClock.millis();
        if (registrations > 0) {
            forward(MetricRows.REGISTRATIONS, segment, start,
                    MetricRows.registrations(segment, start, end, emittedAt, registrations));
        }
        if (distinct[ACTIVE_USERS] > 0) {
            forward(MetricRows.ACTIVE_USERS, segment, start,
                    MetricRows.activeUsers(segment, start, end, emittedAt, distinct[ACTIVE_USERS]));
        }
        if (sessions > 0) {
            long p95 = Percentile.nearestRank(durations, (int) sessions, 95);
            forward(MetricRows.SESSIONS, segment, start,
                    MetricRows.sessions(segment, start, end, emittedAt, sessions, durationSum, p95));
        }
        if (distinct[VIEWERS] > 0 || distinct[CART_ADDERS] > 0 || distinct[BUYERS] > 0) {
            forward(MetricRows.FUNNEL, segment, start, MetricRows.funnel(segment, start, end, emittedAt,
                    distinct[VIEWERS], distinct[CART_ADDERS], distinct[BUYERS]));
        }
        if (orders > 0) {
            forward(MetricRows.REVENUE, segment, start,
                    MetricRows.revenue(segment, start, end, emittedAt, revenue, orders));
        }
    }

    private void forget(long pane) {
        // put(null) deletes without reading the old value back, as delete() would.
        panes.remove(pane).keySet().forEach(segment -> paneStore.put(paneKey(pane, segment), null));
    }

    /** A row, stamped with its window's last millisecond. */
    private void forward(String metric, Segment segment, long start, GenericRecord row) {
        context.forward(new Record<>(MetricRows.key(metric, segment, start), row, start + windows.sizeMs() - 1));
    }

    private void countLate(Bytes segmentKey, long window, long events, long sessions) {
        long start = windows.start(window);
        Bytes key = lateKey(start, segmentKey);
        byte[] stored = lateCounts.get(key);
        long lateEvents = events;
        long lateSessions = sessions;
        if (stored != null) {
            CompactReader in = new CompactReader(stored);
            lateEvents += in.readUnsigned();
            lateSessions += in.readUnsigned();
        }
        lateCounts.put(key, new CompactWriter(8).writeUnsigned(lateEvents).writeUnsigned(lateSessions).toByteArray());
        Segment segment = Segment.fromBytes(segmentKey.get());
        forward(MetricRows.LATE_EVENTS, segment, start, MetricRows.lateEvents(segment, start, windows.end(window),
                wallClock.millis(), lateEvents, lateSessions));
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
        clockStore.put(key, ByteBuffer.allocate(Long.BYTES).putLong(gate.watermarkOf(origin)).array());
    }

    private static Bytes paneKey(long pane, Bytes segment) {
        byte[] bytes = segment.get();
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + bytes.length).putLong(pane ^ Long.MIN_VALUE).put(bytes)
                .array());
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
