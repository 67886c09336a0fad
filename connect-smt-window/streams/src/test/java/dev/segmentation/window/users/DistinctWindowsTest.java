package dev.segmentation.window.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.segmentation.window.WindowSpec;

/** The 64-bit memory of visited windows against a plain set of (window) per user, on random event orders. */
class DistinctWindowsTest {

    private static final long MINUTE = 60_000L;
    private final WindowSpec windows = new WindowSpec(60 * MINUTE, 15 * MINUTE, 15 * MINUTE);
    private final DistinctWindows distinct = new DistinctWindows(windows);

    @Test
    void marksExactlyTheWindowsNotVisitedBeforeInAnyOrderWithinTheHistory() {
        SplittableRandom random = new SplittableRandom(7);
        for (int run = 0; run < 200; run++) {
            UserState user = new UserState();
            Set<Long> visited = new HashSet<>();
            long base = 1_772_438_400_000L + random.nextLong(1_000) * MINUTE;
            for (int event = 0; event < 40; event++) {
                // Mostly forward in time, sometimes up to three hours back.
                long time = base + random.nextLong(-180, 600) * MINUTE / 4;
                long expectedAges = 0;
                for (long w = windows.earliestWindow(time); w <= windows.latestWindow(time); w++) {
                    if (visited.add(w)) {
                        expectedAges |= 1L << (windows.latestWindow(time) - w);
                    }
                }
                assertThat(distinct.firstVisits(user, 1, time)).as("run %d event %d", run, event)
                        .isEqualTo(expectedAges);
                base = Math.max(base, time);
            }
        }
    }

    @Test
    void keepsEachKindApartAndForgetsWindowsBeyondItsMemory() {
        UserState user = new UserState();
        long t = 1_772_438_400_000L;
        assertThat(Long.bitCount(distinct.firstVisits(user, 0, t))).isEqualTo(4);
        assertThat(Long.bitCount(distinct.firstVisits(user, 1, t))).as("another kind").isEqualTo(4);
        assertThat(distinct.firstVisits(user, 0, t + MINUTE)).isZero();
        // 64 advances later, the first windows are beyond memory: an event there marks nothing.
        assertThat(Long.bitCount(distinct.firstVisits(user, 0, t + 64 * 15 * MINUTE))).isEqualTo(4);
        assertThat(distinct.firstVisits(user, 2, t)).isZero();
    }
}
