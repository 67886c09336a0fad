package dev.segmentation.window.users;

import java.util.Arrays;

import org.apache.kafka.common.utils.Bytes;

/**
 * Drops duplicates by event id, remembering each user's event ids for the deduplication horizon inside the user's
 * own state entry. The intake has already sent events older than the horizon to the dead-letter topic, so every
 * event that gets here can be checked.
 *
 * <p>A duplicate repeats the whole event, so an id is remembered with its event time, as a 64-bit hash: the entry
 * stays small, and the chance that two of one user's events within the horizon share a hash is about n² / 2^65
 * for n events, negligible. Keeping the ids with the user, rather than in a store of their own, saves a read, a
 * write and a changelog record per event; an entry sheds ids older than the horizon whenever it is written, and
 * all of them once its newest is that old ({@link #forgetAllAt}), so that an idle user's entry carries none.
 */
final class RecentEvents {

    private final long horizonMs;

    RecentEvents(long horizonMs) {
        this.horizonMs = horizonMs;
    }

    /**
     * Whether the user has already had this event; if not, it is remembered (the caller writes the state back).
     *
     * <p>The ids are kept in event-time order. Events are applied in that order, so a new one nearly always comes
     * after every id remembered: it finds no id of its own time to compare with, it is appended, and only ids at the
     * front can be old enough to forget. A late event takes its place further in.
     *
     * @param nowMs ids more than the horizon behind this are forgotten; {@link UserState#NONE} forgets none
     */
    boolean isDuplicate(UserState user, Bytes eventId, long eventTimeMs, long nowMs) {
        long hash = hash(eventId.get());
        int at = user.recentCount;
        while (at > 0 && user.recentTimes[at - 1] > eventTimeMs) {
            at--;
        }
        for (int i = at - 1; i >= 0 && user.recentTimes[i] == eventTimeMs; i--) {
            if (user.recentHashes[i] == hash) {
                return true;
            }
        }
        if (nowMs != UserState.NONE) {
            at = Math.max(0, at - forgetBefore(user, nowMs - horizonMs));
        }
        if (user.recentCount == user.recentHashes.length) {
            int capacity = Math.max(4, user.recentCount * 2);
            user.recentHashes = Arrays.copyOf(user.recentHashes, capacity);
            user.recentTimes = Arrays.copyOf(user.recentTimes, capacity);
        }
        System.arraycopy(user.recentHashes, at, user.recentHashes, at + 1, user.recentCount - at);
        System.arraycopy(user.recentTimes, at, user.recentTimes, at + 1, user.recentCount - at);
        user.recentHashes[at] = hash;
        user.recentTimes[at] = eventTimeMs;
        user.recentCount++;
        return false;
    }

    /** Forgets the ids of events more than the horizon behind {@code nowMs}: none of them can come again. */
    void forget(UserState user, long nowMs) {
        forgetBefore(user, nowMs - horizonMs);
    }

    /**
     * The event time at which {@link #forget} forgets every id the user has, or {@link UserState#NO_DUE} when there
     * is none.
     */
    long forgetAllAt(UserState user) {
        return user.recentCount == 0 ? UserState.NO_DUE : user.recentTimes[user.recentCount - 1] + horizonMs + 1;
    }

    /**
     * Puts ids read from the store in event-time order: earlier builds kept them in the order they were applied,
     * where a late event's id could follow later ones.
     */
    static void restoreOrder(UserState user) {
        for (int i = 1; i < user.recentCount; i++) {
            long time = user.recentTimes[i];
            long hash = user.recentHashes[i];
            int at = i;
            while (at > 0 && user.recentTimes[at - 1] > time) {
                user.recentTimes[at] = user.recentTimes[at - 1];
                user.recentHashes[at] = user.recentHashes[at - 1];
                at--;
            }
            user.recentTimes[at] = time;
            user.recentHashes[at] = hash;
        }
    }

    /** Forgets the ids older than {@code oldestMs}, which are the first ones; returns how many it forgot. */
    private static int forgetBefore(UserState user, long oldestMs) {
        int old = 0;
        while (old < user.recentCount && user.recentTimes[old] < oldestMs) {
            old++;
        }
        if (old > 0) {
            user.recentCount -= old;
            System.arraycopy(user.recentHashes, old, user.recentHashes, 0, user.recentCount);
            System.arraycopy(user.recentTimes, old, user.recentTimes, 0, user.recentCount);
        }
        return old;
    }

    /** 64-bit FNV-1a, finished with a 64-bit mix so that similar ids spread over all bits. */
    static long hash(byte[] bytes) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            hash ^= b & 0xFF;
            hash *= 0x100000001b3L;
        }
        hash ^= hash >>> 33;
        hash *= 0xff51afd7ed558ccdL;
        hash ^= hash >>> 33;
        hash *= 0xc4ceb9fe1a85ec53L;
        return hash ^ (hash >>> 33);
    }
}
