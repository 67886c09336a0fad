package dev.segmentation.window.users;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    /**
     * The entries armed since the last write, in the order armed; those that have fired or turned out to be in the
     * store already are skipped when written. Flags on the entries, rather than a set of them, spare every arming
     * and firing a hash lookup whose bucket and node miss the processor's caches.
     */
    private final List<Entry> armed = new ArrayList<>();
    /** How many entries of {@link #next} are in the store: once none is, the store may hold the next one due. */
    private int storedInMemory;
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
            armed.add(entry);
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
            if (entry.stored) {
                storedInMemory--;
                fired.add(entry);
                changed.run();
            } else {
                entry.firedUnwritten = true;
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
        for (Entry entry : armed) {
            if (!entry.stored && !entry.firedUnwritten) {
                store.put(entry.key(), PRESENT);
                entry.stored = true;
            }
        }
        armed.clear();
        fired.clear();
        // What lies beyond the read-ahead is in the store now, and is read again in its turn: memory holds no more
        // than the read-ahead and one commit's entries, however many users wait for a deadline.
        if (readThrough == null) {
            next.clear();
        } else {
            next.tailSet(readThrough, false).clear();
        }
        // Every entry left in memory was in the store already or has just been written there.
        storedInMemory = next.size();
        readAll = false;
        readAheadIfNeeded();
    }

    /**
     * Keeps the first entry in memory the first of all (unless the store has been read to its end, memory holds at
     * least one of the store's entries, and every entry of the store before it), and {@link #earliest} its due time.
     */
    private void readAheadIfNeeded() {
        if (!readAll && storedInMemory == 0) {
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
                entry.stored = true;
                if (!next.add(entry)) {
                    // Armed again while it was in the store: it is written already, and deleted when it fires. (The
                    // one in memory was not counted as stored: every stored entry in memory lies at or before the
                    // last key read, and this one after it.)
                    next.ceiling(entry).stored = true;
                }
                storedInMemory++;
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
     * it was armed with, whose hash is already known to the users held in memory. Entries are only ever compared,
     * in {@link #next}; none is looked up by equality.
     */
    private static final class Entry implements Comparable<Entry> {

        final long dueMs;
        final Bytes user;
        /** Whether the store holds it: read from there, or written since it was armed. */
        boolean stored;
        /** Whether it fired before any write reached it, so that none does. */
        boolean firedUnwritten;

        Entry(long dueMs, Bytes user) {
            this.dueMs = dueMs;
            this.user = user;
        }

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
