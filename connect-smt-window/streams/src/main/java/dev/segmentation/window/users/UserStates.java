package dev.segmentation.window.users;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The users' state, as objects: those changed since the last commit, and the most recently used, are held in
 * memory, and the store is written once per commit ({@link WriteBehind}). A user with several events in one commit
 * is read and written once, not once per event, and never decoded and encoded in between.
 *
 * <p>The users held in memory are the ones Kafka's record cache would hold, without its sorted keys and dirty-key
 * bookkeeping; the store below has no record cache. Between commits the store lags what is held here, never the
 * other way round, so a restart reads what the last commit wrote.
 */
final class UserStates {

    /**
     * Users held in memory after their change was written, per task: enough to span the sessions in progress at a
     * backfill's pace, at a few hundred bytes each.
     */
    static final int RECENT_USERS = 10_000;

    private final KeyValueStore<Bytes, UserState> store;
    private final Runnable changed;
    private final Map<Bytes, UserState> unwritten = new HashMap<>();
    private final Map<Bytes, UserState> recent = new LinkedHashMap<>(RECENT_USERS * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Bytes, UserState> eldest) {
            return size() > RECENT_USERS;
        }
    };

    /**
     * @param store   the changelogged store, without a record cache
     * @param changed told after every change, so that the change is written before the next commit
     */
    UserStates(KeyValueStore<Bytes, UserState> store, Runnable changed) {
        this.store = store;
        this.changed = changed;
    }

    /** The user's state, or null for a user never seen. What the caller changes in it must be {@link #put} back. */
    UserState get(Bytes userKey) {
        UserState user = unwritten.get(userKey);
        if (user == null) {
            user = recent.get(userKey);
        }
        if (user == null) {
            user = store.get(userKey);
            if (user != null) {
                recent.put(userKey, user);
            }
        }
        return user;
    }

    void put(Bytes userKey, UserState user) {
        unwritten.put(userKey, user);
        changed.run();
    }

    /** Writes every user changed since the last write to the store. */
    void write() {
        unwritten.forEach((userKey, user) -> {
            store.put(userKey, user);
            recent.put(userKey, user);
        });
        unwritten.clear();
    }
}
