package dev.segmentation.window.users;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
    /**
     * The users held, least recently used first: one lookup per read. A user changed since the last write is never
     * dropped, so while a commit changes more users than {@link #RECENT_USERS} the map holds them all.
     */
    private final Map<Bytes, UserState> held = new LinkedHashMap<>(RECENT_USERS * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Bytes, UserState> eldest) {
            return size() > RECENT_USERS && !eldest.getValue().unwritten;
        }
    };
    /** The users changed since the last write, in the order of their first change, with their keys. */
    private final List<Bytes> unwrittenKeys = new ArrayList<>();
    private final List<UserState> unwrittenUsers = new ArrayList<>();

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
        UserState user = held.get(userKey);
        if (user == null) {
            user = store.get(userKey);
            if (user != null) {
                held.put(userKey, user);
            }
        }
        return user;
    }

    void put(Bytes userKey, UserState user) {
        // Once per user and commit: later changes are to the object already held and listed.
        if (!user.unwritten) {
            user.unwritten = true;
            unwrittenKeys.add(userKey);
            unwrittenUsers.add(user);
            held.put(userKey, user);
        }
        changed.run();
    }

    /** Writes every user changed since the last write to the store. */
    void write() {
        for (int i = 0; i < unwrittenKeys.size(); i++) {
            UserState user = unwrittenUsers.get(i);
            store.put(unwrittenKeys.get(i), user);
            user.unwritten = false;
        }
        unwrittenKeys.clear();
        unwrittenUsers.clear();
    }
}
