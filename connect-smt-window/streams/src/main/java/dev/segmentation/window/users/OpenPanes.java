package dev.segmentation.window.users;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
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
 * <p>The partials live in memory and are written to a changelogged store once per commit ({@link #write}), so a
 * restart resumes them as the last commit left them. The store holds each partial's counters under one key and each
 * session duration under a key of its own: a duration is written once, while the counters change with every
 * contribution and stay small.
 */
final class OpenPanes {

    private static final byte COUNTERS = 0;
    private static final byte DURATION = 1;

    private final WindowSpec windows;
    private final int origin;
    private final KeyValueStore<Bytes, byte[]> store;
    private final Runnable changed;
    /** Open partials by pane, then by segment. */
    private final TreeMap<Long, Map<Bytes, Open>> open = new TreeMap<>();
    /** The open partials changed since the last write. */
    private final List<Open> unwritten = new ArrayList<>();

    /**
     * @param store   the changelogged store, read back here
     * @param changed told after every change, so that {@link #write} runs before the next commit
     */
    OpenPanes(WindowSpec windows, int origin, KeyValueStore<Bytes, byte[]> store, Runnable changed) {
        this.windows = windows;
        this.origin = origin;
        this.store = store;
        this.changed = changed;
        Map<PaneSegment, TreeMap<Integer, Long>> durations = new HashMap<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> entry = it.next();
                ByteBuffer key = ByteBuffer.wrap(entry.key.get());
                long pane = key.getLong() ^ Long.MIN_VALUE;
                if (key.get() == COUNTERS) {
                    Bytes segment = rest(key);
                    Open restored = new Open(pane, segment,
                            Partial.readCounters(entry.value, pane, origin, windows.windowsPerEvent()));
                    restored.countersWritten = true;
                    open.computeIfAbsent(pane, p -> new HashMap<>()).put(segment, restored);
                } else {
                    int index = key.getInt();
                    durations.computeIfAbsent(new PaneSegment(pane, rest(key)), k -> new TreeMap<>())
                            .put(index, new CompactReader(entry.value).readUnsigned());
                }
            }
        }
        // Durations go back in the order they were added, so the partial is the one that was stored.
        durations.forEach((at, byIndex) -> {
            Open restored = open.get(at.pane()).get(at.segment());
            byIndex.values().forEach(restored.partial::addSession);
            restored.durationsWritten = byIndex.size();
        });
    }

    /** An open partial, and how much of it the store holds. */
    private static final class Open {
        final long pane;
        final Bytes segment;
        final Partial partial;
        boolean countersWritten;
        int durationsWritten;
        /** Whether it is in the list of partials changed since the last write. */
        boolean listed;

        Open(long pane, Bytes segment, Partial partial) {
            this.pane = pane;
            this.segment = segment;
            this.partial = partial;
        }
    }

    /** Where a stored duration belongs. */
    private record PaneSegment(long pane, Bytes segment) {
    }

    /** Folds a contribution at {@code timeMs} into its segment's partial of that time's pane. */
    void add(Bytes segment, Contribution contribution, long timeMs) {
        long pane = windows.latestWindow(timeMs);
        Open partial = open.computeIfAbsent(pane, p -> new HashMap<>())
                .computeIfAbsent(segment, s -> new Open(pane, s, new Partial(pane, origin, windows.windowsPerEvent())));
        partial.partial.add(contribution);
        if (!partial.listed) {
            partial.listed = true;
            unwritten.add(partial);
        }
        changed.run();
    }

    /** Writes the partials changed since the last write: their counters, and the durations added to them. */
    void write() {
        for (Open partial : unwritten) {
            partial.listed = false;
            for (; partial.durationsWritten < partial.partial.sessions(); partial.durationsWritten++) {
                store.put(durationKey(partial.pane, partial.durationsWritten, partial.segment),
                        new CompactWriter(8).writeUnsigned(partial.partial.duration(partial.durationsWritten))
                                .toByteArray());
            }
            store.put(countersKey(partial.pane, partial.segment), partial.partial.writeCounters());
            partial.countersWritten = true;
        }
        unwritten.clear();
    }

    /**
     * Hands over, pane by pane, every partial whose pane ends at or before {@code releasedMs} (the release point:
     * nothing at or before it can be applied any more), with the timestamp of its pane's last millisecond, and
     * forgets it.
     */
    void closeThrough(long releasedMs, BiConsumer<Bytes, Partial> send) {
        Iterator<Map.Entry<Long, Map<Bytes, Open>>> panes = open.entrySet().iterator();
        while (panes.hasNext()) {
            Map.Entry<Long, Map<Bytes, Open>> entry = panes.next();
            long pane = entry.getKey();
            if (lastMillisecond(pane) > releasedMs) {
                return;
            }
            entry.getValue().forEach((segment, partial) -> {
                send.accept(segment, partial.partial);
                // Only what the store holds is deleted; put(null) deletes without reading the old value back.
                if (partial.countersWritten) {
                    store.put(countersKey(pane, segment), null);
                }
                for (int i = 0; i < partial.durationsWritten; i++) {
                    store.put(durationKey(pane, i, segment), null);
                }
                if (partial.listed) {
                    partial.listed = false;
                    unwritten.remove(partial);
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
