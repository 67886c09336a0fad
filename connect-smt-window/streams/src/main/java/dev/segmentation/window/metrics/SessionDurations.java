package dev.segmentation.window.metrics;

import java.time.Duration;
import java.util.Arrays;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import dev.segmentation.window.WindowSpec;
import dev.segmentation.window.codec.CompactReader;
import dev.segmentation.window.codec.CompactWriter;

/**
 * One entry per ended session, by segment and end time, from which the exact 95th percentile of a window is read
 * when the window is emitted. Written once per session, read once per window it falls in, which is far cheaper
 * than carrying every duration inside the window aggregates.
 *
 * <p>A session that reached its windows when the earliest of them had already closed is in that window's late
 * count, not in its rows; each entry therefore records the first window it was counted in, and a window reads only
 * the entries counted in it.
 */
final class SessionDurations {

    static final String STORE = "session-durations";

    private final WindowStore<Bytes, byte[]> store;
    private final WindowSpec windows;
    private long[] buffer = new long[64];

    SessionDurations(WindowStore<Bytes, byte[]> store, WindowSpec windows) {
        this.store = store;
        this.windows = windows;
    }

    /**
     * Entries must outlive their windows' emission: a window is emitted once stream time passes end + grace, and
     * the store's own time only moves with entries, so size + grace and one advance of slack suffice.
     */
    static StoreBuilder<WindowStore<Bytes, byte[]>> storeBuilder(WindowSpec windows) {
        Duration retention = Duration.ofMillis(windows.sizeMs() + windows.graceMs() + windows.advanceMs());
        return Stores.windowStoreBuilder(
                Stores.persistentWindowStore(STORE, retention, Duration.ofMillis(1), true),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingEnabled(WindowStage.WINDOW_CHANGELOG_CONFIG);
    }

    void record(Bytes segment, long endMs, long durationMs, long firstCountedWindow) {
        byte[] entry = new CompactWriter(16).writeUnsigned(durationMs).writeSigned(firstCountedWindow).toByteArray();
        store.put(segment, entry, endMs);
    }

    /** The 95th percentile of the durations of the sessions counted in the window, or -1 if there are none. */
    long p95(Bytes segment, long window) {
        int count = 0;
        try (WindowStoreIterator<byte[]> it = store.fetch(segment, windows.start(window), windows.end(window) - 1)) {
            while (it.hasNext()) {
                KeyValue<Long, byte[]> entry = it.next();
                CompactReader in = new CompactReader(entry.value);
                long duration = in.readUnsigned();
                if (in.readSigned() <= window) {
                    if (count == buffer.length) {
                        buffer = Arrays.copyOf(buffer, count * 2);
                    }
                    buffer[count++] = duration;
                }
            }
        }
        return count == 0 ? -1 : Percentile.nearestRank(buffer, count, 95);
    }
}
