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
     * @param nowMs ids more than the horizon behind this are forgotten; {@link UserState#NONE} forgets none
     */
    boolean isDuplicate(UserState user, Bytes eventId, long eventTimeMs, long nowMs) {
        long hash = hash(eventId.get());
        for (int i = 0; i < user.recentCount; i++) {
            if (user.recentHashes[i] == hash && user.recentTimes[i] == eventTimeMs) {
                return true;
            }
        }
        if (nowMs != UserState.NONE) {
            forget(user, nowMs);
        }
        if (user.recentCount == user.recentHashes.length) {
            int capacity = Math.max(4, user.recentCount * 2);
            user.recentHashes = Arrays.copyOf(user.recentHashes, capacity);
            user.recentTimes = Arrays.copyOf(user.recentTimes, capacity);
        }
        user.recentHashes[user.recentCount] = hash;
        user.recentTimes[user.recentCount] = eventTimeMs;
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
        if (user.recentCount == 0) {
            return UserState.NO_DUE;
        }
        long newest = user.recentTimes[0];
        for (int i = 1; i < user.recentCount; i++) {
            newest = Math.max(newest, user.recentTimes[i]);
        }
        return newest + horizonMs + 1;
    }

    private static void forgetBefore(UserState user, long oldestMs) {
        int kept = 0;
        for (int i = 0; i < user.recentCount; i++) {
            if (user.recentTimes[i] >= oldestMs) {
                user.recentHashes[kept] = user.recentHashes[i];
                user.recentTimes[kept] = user.recentTimes[i];
                kept++;
            }
        }
        user.recentCount = kept;
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
