package dev.segmentation.window.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** Users held in memory between commits: read back as changed, in the store only once written. */
class UserStatesTest {

    private static final Bytes ANNA = Bytes.wrap("anna".getBytes(StandardCharsets.UTF_8));
    private static final Bytes BEN = Bytes.wrap("ben".getBytes(StandardCharsets.UTF_8));

    private final KeyValueStore<Bytes, UserState> store = store();
    private int changes;

    @Test
    void aChangeIsReadBackAtOnceAndReachesTheStoreAtTheWrite() {
        UserStates users = new UserStates(store, () -> changes++);
        assertThat(users.get(ANNA)).isNull();
        UserState anna = new UserState();
        anna.checkOuts = 1;
        users.put(ANNA, anna);

        assertThat(users.get(ANNA).checkOuts).isEqualTo(1);
        assertThat(store.get(ANNA)).as("held back until the commit").isNull();
        assertThat(changes).isEqualTo(1);

        users.write();
        assertThat(store.get(ANNA).checkOuts).isEqualTo(1);
        users.get(ANNA).checkOuts = 2;
        users.put(ANNA, users.get(ANNA));
        users.write();
        assertThat(store.get(ANNA).checkOuts).as("written again after its next change").isEqualTo(2);
    }

    @Test
    void aRestartReadsWhatTheLastWriteWroteAndNothingHeldBackSince() {
        UserStates before = new UserStates(store, () -> { });
        UserState anna = new UserState();
        anna.checkOuts = 1;
        before.put(ANNA, anna);
        before.write();
        anna.checkOuts = 5;
        before.put(ANNA, anna);
        before.put(BEN, new UserState());

        UserStates after = new UserStates(store, () -> { });
        assertThat(after.get(ANNA).checkOuts).isEqualTo(1);
        assertThat(after.get(BEN)).isNull();
    }

    @Test
    void aCommitThatChangesMoreUsersThanAreHeldKeepsEveryChangeReadable() {
        UserStates users = new UserStates(store, () -> { });
        int many = UserStates.RECENT_USERS + 100;
        for (int n = 0; n < many; n++) {
            UserState user = new UserState();
            user.checkOuts = n;
            users.put(key(n), user);
        }
        assertThat(users.get(key(0))).as("the first changed, held until written").isNotNull();
        assertThat(users.get(key(0)).checkOuts).isEqualTo(0);

        users.write();
        for (int n = 0; n < many; n++) {
            assertThat(store.get(key(n)).checkOuts).isEqualTo(n);
        }
    }

    private static Bytes key(int n) {
        return Bytes.wrap(("user-" + n).getBytes(StandardCharsets.UTF_8));
    }

    private static KeyValueStore<Bytes, UserState> store() {
        KeyValueStore<Bytes, UserState> store = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(UserActivity.STATE_STORE), Serdes.Bytes(), UserState.serde())
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }
}
