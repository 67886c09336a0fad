package dev.segmentation.window.users;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.segmentation.window.WindowSpec;
import dev.segmentation.window.codec.CompactReader;
import dev.segmentation.window.codec.CompactWriter;
import dev.segmentation.window.metrics.Contribution;
import dev.segmentation.window.metrics.Partial;

/**
 * The partial aggregates a per-user task is still adding to, one per segment and pane, until its release point has
 * passed the pane: nothing it applies afterwards can fall in that pane, so the partial is sent then, once.
 *
 * <p>The partials live in memory and are written through to a changelogged store, so a restart resumes them. The
 * store holds each partial's counters under one key and each session duration under a key of its own: a duration is
 * written once, while the counters change with every contribution and stay small.
 */
final class OpenPanes {

    private static final byte COUNTERS = 0;
    private static final byte DURATION = 1;

    private final WindowSpec windows;
    private final int origin;
    private final KeyValueStore<Bytes, byte[]> store;
    /** Open partials by pane, then by segment. */
    private final TreeMap<Long, Map<Bytes, Partial>> open = new TreeMap<>();

    OpenPanes(WindowSpec windows, int origin, KeyValueStore<Bytes, byte[]> store) {
        this.windows = windows;
        this.origin = origin;
        this.store = store;
        Map<PaneSegment, TreeMap<Integer, Long>> durations = new HashMap<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> entry = it.next();
                ByteBuffer key = ByteBuffer.wrap(entry.key.get());
                long pane = key.getLong() ^ Long.MIN_VALUE;
                if (key.get() == COUNTERS) {
                    open.computeIfAbsent(pane, p -> new HashMap<>()).put(rest(key),
                            Partial.readCounters(entry.value, pane, origin, windows.windowsPerEvent()));
                } else {
                    int index = key.getInt();
                    durations.computeIfAbsent(new PaneSegment(pane, rest(key)), k -> new TreeMap<>())
                            .put(index, new CompactReader(entry.value).readUnsigned());
                }
            }
        }
        // Durations go back in the order they were added, so the partial is the one that was stored.
        durations.forEach((at, byIndex) -> byIndex.values()
                .forEach(open.get(at.pane()).get(at.segment())::addSession));
    }

    /** Where a stored duration belongs. */
    private record PaneSegment(long pane, Bytes segment) {
    }

    /** Folds a contribution at {@code timeMs} into its segment's partial of that time's pane. */
    void add(Bytes segment, Contribution contribution, long timeMs) {
        long pane = windows.latestWindow(timeMs);
        Partial partial = open.computeIfAbsent(pane, p -> new HashMap<>())
                .computeIfAbsent(segment, s -> new Partial(pane, origin, windows.windowsPerEvent()));
        long duration = partial.add(contribution);
        if (duration >= 0) {
            store.put(durationKey(pane, (int) partial.sessions() - 1, segment),
                    new CompactWriter(8).writeUnsigned(duration).toByteArray());
        }
        store.put(countersKey(pane, segment), partial.writeCounters());
    }

    /**
     * Hands over, pane by pane, every partial whose pane ends at or before {@code releasedMs} (the release point:
     * nothing at or before it can be applied any more), with the timestamp of its pane's last millisecond, and
     * forgets it.
     */
    void closeThrough(long releasedMs, BiConsumer<Bytes, Partial> send) {
        Iterator<Map.Entry<Long, Map<Bytes, Partial>>> panes = open.entrySet().iterator();
        while (panes.hasNext()) {
            Map.Entry<Long, Map<Bytes, Partial>> entry = panes.next();
            long pane = entry.getKey();
            if (lastMillisecond(pane) > releasedMs) {
                return;
            }
            entry.getValue().forEach((segment, partial) -> {
                send.accept(segment, partial);
                // put(null) deletes without reading the old value back, as delete() would.
                store.put(countersKey(pane, segment), null);
                for (int i = 0; i < partial.sessions(); i++) {
                    store.put(durationKey(pane, i, segment), null);
                }
            });
            panes.remove();
        }
    }

    /** The last millisecond of a pane, which its partial carries as its timestamp. */
    long lastMillisecond(long pane) {
        return windows.start(pane + 1) - 1;
    }

    private static Bytes rest(ByteBuffer key) {
        byte[] segment = new byte[key.remaining()];
        key.get(segment);
        return Bytes.wrap(segment);
    }

    private static Bytes countersKey(long pane, Bytes segment) {
        byte[] bytes = segment.get();
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + 1 + bytes.length).putLong(pane ^ Long.MIN_VALUE)
                .put(COUNTERS).put(bytes).array());
    }

    private static Bytes durationKey(long pane, int index, Bytes segment) {
        byte[] bytes = segment.get();
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + 1 + Integer.BYTES + bytes.length)
                .putLong(pane ^ Long.MIN_VALUE).put(DURATION).putInt(index).put(bytes).array());
    }
}
