package dev.segmentation.window.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

class RecentEventsTest {

    private static final long HORIZON = 7_200_000L;
    private final RecentEvents recent = new RecentEvents(HORIZON);
    private final UserState user = new UserState();

    @Test
    void recognisesARepeatedEventButNotAnotherEventAtTheSameTime() {
        assertThat(recent.isDuplicate(user, id("a"), 1_000, 1_000)).isFalse();
        assertThat(recent.isDuplicate(user, id("a"), 1_000, 5_000)).isTrue();
        assertThat(recent.isDuplicate(user, id("b"), 1_000, 5_000)).isFalse();
        assertThat(recent.isDuplicate(user, id("a"), 2_000, 5_000)).as("same id, another time: another event")
                .isFalse();
    }

    @Test
    void remembersEveryIdBeforeTheFirstReleaseGivesATime() {
        assertThat(recent.isDuplicate(user, id("a"), 1_000, UserState.NONE)).isFalse();
        assertThat(recent.isDuplicate(user, id("b"), 2_000, UserState.NONE)).isFalse();
        assertThat(recent.isDuplicate(user, id("a"), 1_000, UserState.NONE)).isTrue();
    }

    @Test
    void forgetsIdsOlderThanTheHorizon() {
        for (int i = 0; i < 10; i++) {
            recent.isDuplicate(user, id("old" + i), 1_000 + i, 1_000 + i);
        }
        recent.isDuplicate(user, id("new"), HORIZON + 2_000, HORIZON + 2_000);
        assertThat(user.recentCount).isEqualTo(1);
    }

    @Test
    void forgetsEveryIdOnceTheNewestIsBeyondTheHorizon() {
        recent.isDuplicate(user, id("a"), 1_000, 1_000);
        recent.isDuplicate(user, id("b"), 5_000, 5_000);
        assertThat(recent.forgetAllAt(user)).isEqualTo(5_000 + HORIZON + 1);

        recent.forget(user, 5_000 + HORIZON);
        assertThat(user.recentCount).as("b can still come again").isEqualTo(1);
        recent.forget(user, recent.forgetAllAt(user));
        assertThat(user.recentCount).isZero();
        assertThat(recent.forgetAllAt(user)).isEqualTo(UserState.NO_DUE);
    }

    @Test
    void keepsALateEventsIdInItsPlaceInEventTime() {
        recent.isDuplicate(user, id("a"), 1_000, 1_000);
        recent.isDuplicate(user, id("c"), 3_000, 3_000);
        assertThat(recent.isDuplicate(user, id("b"), 2_000, 3_000)).as("a late event").isFalse();
        assertThat(recent.isDuplicate(user, id("b"), 2_000, 3_000)).as("its duplicate").isTrue();
        assertThat(recent.isDuplicate(user, id("a"), 1_000, 3_000)).isTrue();
        assertThat(recent.forgetAllAt(user)).isEqualTo(3_000 + HORIZON + 1);

        recent.forget(user, 2_500 + HORIZON);
        assertThat(user.recentCount).as("a and b forgotten, c kept").isEqualTo(1);
        assertThat(recent.isDuplicate(user, id("c"), 3_000, UserState.NONE)).isTrue();
    }

    @Test
    void putsIdsStoredOutOfOrderByAnEarlierBuildInEventTimeOrder() {
        UserState stored = new UserState();
        stored.recentHashes = new long[] {RecentEvents.hash(bytes("c")), RecentEvents.hash(bytes("a")),
            RecentEvents.hash(bytes("b"))};
        stored.recentTimes = new long[] {3_000, 1_000, 2_000};
        stored.recentCount = 3;

        UserState read = UserState.read(stored.write());

        assertThat(read.recentTimes).startsWith(1_000, 2_000, 3_000);
        assertThat(recent.forgetAllAt(read)).isEqualTo(3_000 + HORIZON + 1);
        recent.forget(read, 1_500 + HORIZON);
        assertThat(recent.isDuplicate(read, id("a"), 1_000, UserState.NONE)).as("a forgotten").isFalse();
        assertThat(recent.isDuplicate(read, id("b"), 2_000, UserState.NONE)).isTrue();
        assertThat(recent.isDuplicate(read, id("c"), 3_000, UserState.NONE)).isTrue();
    }

    @Test
    void spreadsSimilarIdsOverTheWholeHash() {
        assertThat(RecentEvents.hash(bytes("ev-1"))).isNotEqualTo(RecentEvents.hash(bytes("ev-2")));
        assertThat(Long.bitCount(RecentEvents.hash(bytes("ev-1")) ^ RecentEvents.hash(bytes("ev-2"))))
                .isBetween(16, 48);
    }

    private static Bytes id(String id) {
        return Bytes.wrap(bytes(id));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
