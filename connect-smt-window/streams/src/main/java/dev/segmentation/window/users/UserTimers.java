package dev.segmentation.window.users;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.TreeSet;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * An event-time timer per user, for what happens without an event: a session times out, a user drifts to
 * at-risk or dormant, a buyer lapses.
 *
 * <p>Entries are keyed by due time then user, so the due ones are a range scan away. They are lazy: a user's
 * {@link UserState#indexedDue} names the one live entry, which is never later than the user's next real deadline.
 * An event that pushes the deadline later leaves the entry alone (it fires early, finds nothing due and re-arms at
 * the real deadline); only a deadline that moves earlier writes a new entry, which turns the old one stale. So most
 * events cost the timers nothing.
 *
 * <p>Fired entries leave tombstones in RocksDB until compaction, and an iterator that starts before them has to
 * step over every one. Every live entry is due after the last firing, so scans start there, past the tombstones.
 */
final class UserTimers {

    private static final byte[] PRESENT = {1};
    private static final int TIME_BYTES = Long.BYTES;

    private final KeyValueStore<Bytes, byte[]> store;
    /** The earliest due time in the store, so the common "nothing due" check reads no store. */
    private long earliest;

    UserTimers(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
        earliest = firstDueFrom(Long.MIN_VALUE);
    }

    boolean anyDue(long nowMs) {
        return earliest <= nowMs;
    }

    /** Adds an entry and returns its key. */
    Bytes schedule(long dueMs, Bytes user) {
        Bytes key = key(dueMs, user.get());
        store.put(key, PRESENT);
        earliest = Math.min(earliest, dueMs);
        return key;
    }

    /** The keys of all entries due at or before {@code nowMs}, in due order; they stay in the store until deleted. */
    TreeSet<Bytes> due(long nowMs) {
        TreeSet<Bytes> due = new TreeSet<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.range(prefix(earliest), prefix(nowMs + 1))) {
            it.forEachRemaining(entry -> due.add(entry.key));
        }
        return due;
    }

    void delete(Bytes key) {
        // A delete would read the old value back first, which nothing here needs.
        store.put(key, null);
    }

    /** Re-reads the earliest due time after everything due by {@code nowMs} has fired and been deleted. */
    void firedUntil(long nowMs) {
        earliest = firstDueFrom(nowMs + 1);
    }

    private long firstDueFrom(long fromMs) {
        try (KeyValueIterator<Bytes, byte[]> it = store.range(prefix(fromMs), prefix(Long.MAX_VALUE))) {
            return it.hasNext() ? dueOf(it.next().key) : UserState.NO_DUE;
        }
    }

    static long dueOf(Bytes key) {
        return ByteBuffer.wrap(key.get(), 0, TIME_BYTES).getLong() ^ Long.MIN_VALUE;
    }

    static Bytes userOf(Bytes key) {
        return Bytes.wrap(Arrays.copyOfRange(key.get(), TIME_BYTES, key.get().length));
    }

    /** Flipping the sign bit makes byte order, which the store sorts by, agree with numeric order. */
    private static Bytes prefix(long dueMs) {
        return Bytes.wrap(ByteBuffer.allocate(TIME_BYTES).putLong(dueMs ^ Long.MIN_VALUE).array());
    }

    private static Bytes key(long dueMs, byte[] user) {
        return Bytes.wrap(ByteBuffer.allocate(TIME_BYTES + user.length).putLong(dueMs ^ Long.MIN_VALUE).put(user).array());
    }
}
