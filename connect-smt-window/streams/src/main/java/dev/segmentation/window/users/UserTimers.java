package dev.segmentation.window.users;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * An event-time timer per user, for what happens without an event: a session times out, a user drifts to
 * at-risk or dormant, a buyer lapses.
 *
 * <p>Entries are keyed by due time then user, so they fire in key order. They are lazy: a user's
 * {@link UserState#indexedDue} names the one live entry, which is never later than the user's next real deadline.
 * An event that pushes the deadline later leaves the entry alone (it fires early, finds nothing due and re-arms at
 * the real deadline); only a deadline that moves earlier adds an entry, which turns the old one stale. So most
 * events cost the timers nothing, and an entry too many is harmless where one too few would lose a deadline.
 *
 * <p>The store is written once per commit ({@link WriteBehind}), like the users: most entries of a backfill are
 * armed and fire within one commit, and those never reach the store or its changelog. What fires is read from
 * memory, which holds the entries armed since the last write and the store's next few hundred, read ahead in key
 * order: a firing opens no iterator, and the store's fired entries, tombstones until compaction, are stepped over
 * once. Between commits the store lags memory, never the other way round, so a restart reads what the last commit
 * wrote.
 */
final class UserTimers {

    /** Handles one fired entry. */
    @FunctionalInterface
    interface Firing {
        void fire(long dueMs, Bytes user);
    }

    /** How many of the store's entries one read brings into memory. */
    static final int READ_AHEAD = 256;

    private static final byte[] PRESENT = {1};
    private static final int TIME_BYTES = Long.BYTES;

    private final KeyValueStore<Bytes, byte[]> store;
    private final Runnable changed;
    private final int readAhead;
    /** In key order: every entry armed since the last write, and the store's entries up to {@link #readThrough}. */
    private final TreeSet<Entry> next = new TreeSet<>();
    /** The entries of {@link #next} that are not in the store yet. */
    private final Set<Entry> unwritten = new HashSet<>();
    /** Entries of the store that fired since the last write, to delete there. */
    private final List<Entry> fired = new ArrayList<>();
    /** The last entry read from the store, or null before the first read. */
    private Entry readThrough;
    /** Whether the store has nothing after {@link #readThrough}. */
    private boolean readAll;
    /** The due time of the first entry in memory, so that the common "nothing due" check walks no tree. */
    private long earliest = UserState.NO_DUE;

    /**
     * @param store   the changelogged store, without a record cache
     * @param changed told after every change, so that the change is written before the next commit
     */
    UserTimers(KeyValueStore<Bytes, byte[]> store, Runnable changed) {
        this(store, changed, READ_AHEAD);
    }

    /** With a smaller read-ahead, so that tests cross its end often. */
    UserTimers(KeyValueStore<Bytes, byte[]> store, Runnable changed, int readAhead) {
        this.store = store;
        this.changed = changed;
        this.readAhead = readAhead;
        readAheadIfNeeded();
    }

    boolean anyDue(long nowMs) {
        return earliest <= nowMs;
    }

    /** Adds an entry. */
    void schedule(long dueMs, Bytes user) {
        Entry entry = new Entry(dueMs, user);
        if (next.add(entry)) {
            unwritten.add(entry);
            earliest = Math.min(earliest, dueMs);
            changed.run();
        }
    }

    /**
     * Fires every entry due at or before {@code nowMs}, in key order, and deletes it. An entry that {@code firing}
     * arms and that is due by then fires in its place in the same call.
     */
    void fireDue(long nowMs, Firing firing) {
        while (anyDue(nowMs)) {
            Entry entry = next.pollFirst();
            if (!unwritten.remove(entry)) {
                fired.add(entry);
                changed.run();
            }
            // Before the firing, which may arm more: the first entry in memory must stay the first of all.
            readAheadIfNeeded();
            firing.fire(entry.dueMs, entry.user);
        }
    }

    /** Writes the entries armed and deleted since the last write to the store. */
    void write() {
        for (Entry entry : fired) {
            // A delete would read the old value back first, which nothing here needs.
            store.put(entry.key(), null);
        }
        for (Entry entry : unwritten) {
            store.put(entry.key(), PRESENT);
        }
        unwritten.clear();
        fired.clear();
        // What lies beyond the read-ahead is in the store now, and is read again in its turn: memory holds no more
        // than the read-ahead and one commit's entries, however many users wait for a deadline.
        if (readThrough == null) {
            next.clear();
        } else {
            next.tailSet(readThrough, false).clear();
        }
        readAll = false;
        readAheadIfNeeded();
    }

    /**
     * Keeps the first entry in memory the first of all (unless the store has been read to its end, memory holds at
     * least one of the store's entries, and every entry of the store before it), and {@link #earliest} its due time.
     */
    private void readAheadIfNeeded() {
        if (!readAll && next.size() == unwritten.size()) {
            readMore();
        }
        earliest = next.isEmpty() ? UserState.NO_DUE : next.first().dueMs;
    }

    /** Reads the store's next entries after the last key read. */
    private void readMore() {
        // Right after the last key read: the byte string with a zero byte appended is the next in key order.
        byte[] last = readThrough == null ? null : readThrough.key().get();
        Bytes from = last == null ? prefix(Long.MIN_VALUE) : Bytes.wrap(Arrays.copyOf(last, last.length + 1));
        int read = 0;
        try (KeyValueIterator<Bytes, byte[]> it = store.range(from, prefix(Long.MAX_VALUE))) {
            while (read < readAhead && it.hasNext()) {
                Bytes key = it.next().key;
                Entry entry = new Entry(dueOf(key), userOf(key));
                // Armed again while it was in the store: it is written already, and deleted when it fires.
                unwritten.remove(entry);
                next.add(entry);
                readThrough = entry;
                read++;
            }
        }
        readAll = read < readAhead;
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

    /**
     * An entry in memory: in the store's key order, the due time then the user's bytes, but compared by the number
     * first, since due times nearly always differ; the store's key is built only to write it. It keeps the user key
     * it was armed with, whose hash is already known to the users held in memory.
     */
    private record Entry(long dueMs, Bytes user) implements Comparable<Entry> {

        Bytes key() {
            return UserTimers.key(dueMs, user.get());
        }

        @Override
        public int compareTo(Entry other) {
            int order = Long.compare(dueMs, other.dueMs);
            return order != 0 ? order : user.compareTo(other.user);
        }
    }
}
