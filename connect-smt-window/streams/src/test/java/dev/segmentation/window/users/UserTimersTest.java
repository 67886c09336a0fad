package dev.segmentation.window.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * Timers held in memory and written once per commit: they fire in due order from memory and the store alike, and
 * the store holds exactly the entries alive at the last write.
 */
class UserTimersTest {

    private static final int SMALL_READ_AHEAD = 3;

    private final KeyValueStore<Bytes, byte[]> store = store();
    private int changes;

    @Test
    void anEntryArmedAndFiredWithinOneCommitNeverReachesTheStore() {
        UserTimers timers = new UserTimers(store, () -> changes++);
        timers.schedule(1_000, user(1));
        timers.schedule(5_000, user(2));
        assertThat(changes).isEqualTo(2);

        assertThat(fire(timers, 2_000)).containsExactly(entry(1_000, 1));
        timers.write();

        assertThat(storeEntries()).containsExactly(entry(5_000, 2));
    }

    @Test
    void aFiredEntryLeavesTheStoreAtTheWriteAndARestartReadsTheLastWrite() {
        UserTimers before = new UserTimers(store, () -> { });
        before.schedule(1_000, user(1));
        before.schedule(2_000, user(2));
        before.write();
        assertThat(fire(before, 1_500)).containsExactly(entry(1_000, 1));
        assertThat(storeEntries()).as("deleted at the write, with the input that fired it")
                .containsExactly(entry(1_000, 1), entry(2_000, 2));
        before.schedule(3_000, user(3));

        UserTimers after = new UserTimers(store, () -> { });
        assertThat(fire(after, 10_000)).as("what the last write left, and nothing held back since")
                .containsExactly(entry(1_000, 1), entry(2_000, 2));
    }

    @Test
    void anEntryArmedWhileFiringAndDueFiresInItsPlace() {
        UserTimers timers = new UserTimers(store, () -> { });
        timers.schedule(1_000, user(1));
        timers.schedule(3_000, user(3));
        List<String> fired = new ArrayList<>();
        timers.fireDue(5_000, (due, user) -> {
            fired.add(entry(due, user));
            if (due == 1_000) {
                timers.schedule(2_000, user);
                timers.schedule(9_000, user);
            }
        });
        assertThat(fired).containsExactly(entry(1_000, 1), entry(2_000, 1), entry(3_000, 3));
        assertThat(timers.anyDue(8_999)).isFalse();
        assertThat(timers.anyDue(9_000)).isTrue();
    }

    @Test
    void anEntryArmedAgainWhileInTheStoreBeyondTheReadAheadIsDeletedWhenItFires() {
        UserTimers before = new UserTimers(store, () -> { });
        before.schedule(1_000, user(1));
        before.schedule(2_000, user(2));
        before.write();

        UserTimers after = new UserTimers(store, () -> { }, 1);
        after.schedule(2_000, user(2));
        assertThat(fire(after, 3_000)).containsExactly(entry(1_000, 1), entry(2_000, 2));
        after.write();

        assertThat(storeEntries()).isEmpty();
    }

    /**
     * Memory must know how many of its entries the store holds, those a write has just put there included: it reads
     * the store again only once it holds none. Counted short, the count would pass zero as they fire, and the
     * entries written later would stay in the store, never read back and never fired.
     */
    @Test
    void entriesWrittenWithinTheReadAheadCountAsStoredSoLaterOnesAreReadBack() {
        UserTimers before = new UserTimers(store, () -> { });
        before.schedule(1_000, user(1));
        before.write();

        UserTimers after = new UserTimers(store, () -> { }, 1);
        after.schedule(500, user(0));
        after.schedule(9_000, user(9));
        after.write();
        assertThat(fire(after, 1_500)).containsExactly(entry(500, 0), entry(1_000, 1));
        assertThat(fire(after, 10_000)).containsExactly(entry(9_000, 9));

        after.schedule(20_000, user(2));
        after.write();
        assertThat(fire(after, 30_000)).containsExactly(entry(20_000, 2));
    }

    /**
     * Many more entries than one read-ahead, armed, fired, written and restarted at random, against a sorted set of
     * every live entry: each firing must be the set's due entries in order, and each write must leave the store
     * holding exactly the set.
     */
    @Test
    void firesInDueOrderAndTheStoreHoldsExactlyTheLiveEntriesAtEveryWrite() {
        Random random = new Random(20261206L);
        TreeSet<String> live = new TreeSet<>();
        List<String> written = List.of();
        UserTimers timers = new UserTimers(store, () -> { }, SMALL_READ_AHEAD);
        long now = 0;
        for (int step = 0; step < 4_000; step++) {
            int action = random.nextInt(10);
            if (action < 6) {
                // Near deadlines, as sessions time out, and far ones, as users drift, so that the store grows.
                long due = now + 1 + random.nextInt(random.nextBoolean() ? 10_000 : 2_000_000);
                int user = random.nextInt(3_000);
                timers.schedule(due, user(user));
                live.add(entry(due, user));
            } else if (action < 8) {
                now += random.nextInt(5_000);
                long until = now;
                List<String> expected = new ArrayList<>();
                List<String> fired = new ArrayList<>();
                UserTimers firing = timers;
                firing.fireDue(until, (due, user) -> {
                    fired.add(entry(due, user));
                    // Half the firings arm again, sometimes due before the firing ends.
                    if (random.nextBoolean()) {
                        long again = due + 1 + random.nextInt(4_000);
                        firing.schedule(again, user);
                        live.add(entry(again, user));
                    }
                });
                while (!live.isEmpty() && dueOf(live.first()) <= until) {
                    expected.add(live.pollFirst());
                }
                assertThat(fired).as("step %d", step).isEqualTo(expected);
            } else if (action < 9) {
                timers.write();
                written = List.copyOf(live);
                assertThat(storeEntries()).as("step %d", step).containsExactlyElementsOf(written);
            } else {
                timers = new UserTimers(store, () -> { }, SMALL_READ_AHEAD);
                live.clear();
                live.addAll(written);
                // A restart resumes where the last commit left the input, which fired nothing after it.
                now = Math.min(now, live.isEmpty() ? now : dueOf(live.first()) - 1);
            }
        }
        assertThat(written.size()).as("the store outgrew the read-ahead").isGreaterThan(100 * SMALL_READ_AHEAD);
    }

    private List<String> fire(UserTimers timers, long nowMs) {
        List<String> fired = new ArrayList<>();
        timers.fireDue(nowMs, (due, user) -> fired.add(entry(due, user)));
        return fired;
    }

    private List<String> storeEntries() {
        List<String> entries = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> next = it.next();
                entries.add(entry(UserTimers.dueOf(next.key), UserTimers.userOf(next.key)));
            }
        }
        return entries;
    }

    private static Bytes user(int n) {
        return Bytes.wrap(String.format("user-%05d", n).getBytes(StandardCharsets.UTF_8));
    }

    /** An entry as text that sorts as the store does: zero-padded due time, then user. */
    private static String entry(long due, int user) {
        return entry(due, user(user));
    }

    private static String entry(long due, Bytes user) {
        return String.format("%012d %s", due, new String(user.get(), StandardCharsets.UTF_8));
    }

    private static long dueOf(String entry) {
        return Long.parseLong(entry.substring(0, 12));
    }

    private static KeyValueStore<Bytes, byte[]> store() {
        KeyValueStore<Bytes, byte[]> store = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(UserActivity.TIMER_STORE), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }
}
