package dev.segmentation.window.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

import dev.segmentation.window.Segment;

class UserStateTest {

    @Test
    void roundTripsEveryField() {
        UserState state = new UserState();
        state.segmentKey = new Segment("25-34", "de", "web.de").toBytes();
        state.registeredAt = 1_772_438_400_000L;
        state.lastActivity = 1_772_438_500_000L;
        state.windowBase = 1_968_265;
        state.seenWindows[0] = -1L;
        state.seenWindows[3] = 0b1011;
        state.sessions.add(new OpenSession("s-1", 1_772_438_410_000L, 1_772_438_490_000L));
        state.checkOuts = 3;
        state.revenueCents = 12_345;
        state.lastCheckOut = 1_772_438_480_000L;
        state.emittedLifecycle = 2;
        state.emittedValue = 4;
        state.emittedCheckOuts = 3;
        state.emittedSegmentKnown = true;
        state.indexedDue = 1_772_440_000_000L;
        new RecentEvents(3_600_000L).isDuplicate(state, Bytes.wrap("e-1".getBytes(StandardCharsets.UTF_8)),
                1_772_438_490_000L, 1_772_438_500_000L);

        UserState copy = UserState.read(state.write());
        // The id arrays may have spare capacity; only the remembered part counts.
        assertThat(copy).usingRecursiveComparison().ignoringFields("recentHashes", "recentTimes").isEqualTo(state);
        assertThat(copy.recentCount).isEqualTo(1);
        assertThat(copy.recentHashes[0]).isEqualTo(state.recentHashes[0]);
        assertThat(copy.recentTimes[0]).isEqualTo(state.recentTimes[0]);
    }

    @Test
    void roundTripsAFreshState() {
        UserState state = new UserState();
        state.lastActivity = 5;
        UserState copy = UserState.read(state.write());
        assertThat(copy).usingRecursiveComparison().ignoringFields("recentHashes", "recentTimes").isEqualTo(state);
        assertThat(copy.recentCount).isZero();
    }
}
