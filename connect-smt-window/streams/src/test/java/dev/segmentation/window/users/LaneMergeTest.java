package dev.segmentation.window.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/** The merge of mostly ordered lanes gives the elements in the order a sorted set would. */
class LaneMergeTest {

    @Test
    void anElementBehindItsLaneTakesItsPlaceAmongTheOthers() {
        LaneMerge<Long> merge = new LaneMerge<>(2, Long::longValue);
        merge.add(0, 10L);
        merge.add(0, 30L);
        merge.add(1, 20L);
        merge.add(0, 15L);
        merge.addOutOfLane(5L);

        assertThat(merge.peekFirst()).isEqualTo(5L);
        assertThat(merge.pollFirst()).isEqualTo(5L);
        assertThat(merge.pollFirst()).isEqualTo(10L);
        assertThat(merge.pollFirst()).isEqualTo(15L);
        assertThat(merge.pollFirst()).isEqualTo(20L);
        assertThat(merge.pollFirst()).isEqualTo(30L);
        assertThat(merge.isEmpty()).isTrue();
        assertThat(merge.pollFirst()).isNull();
        assertThat(merge.peekFirst()).isNull();
    }

    /** Six lanes, each mostly rising with some elements behind, against a sorted set, over many random steps. */
    @Test
    void givesEveryElementInTheOrderOfASortedSet() {
        givesEveryElementInOrder(new LaneMerge<>(6, element -> Math.floorDiv(element, 1_000_000)));
    }

    /** Heads that share their leading key are told apart by their whole order. */
    @Test
    void givesEveryElementInOrderWhenAllShareTheirLeadingKey() {
        givesEveryElementInOrder(new LaneMerge<>(6, element -> 0L));
    }

    private static void givesEveryElementInOrder(LaneMerge<Long> merge) {
        Random random = new Random(6L);
        TreeSet<Long> model = new TreeSet<>();
        long[] clocks = new long[6];
        long unique = 0;
        for (int step = 0; step < 50_000; step++) {
            int action = random.nextInt(10);
            if (action < 6) {
                int lane = random.nextInt(6);
                clocks[lane] += random.nextInt(100);
                long time = random.nextInt(10) == 0 ? clocks[lane] - random.nextInt(1_000) : clocks[lane];
                // Distinct elements, in time order first: the time, then a count that breaks ties.
                long element = time * 1_000_000 + unique++;
                if (random.nextInt(50) == 0) {
                    merge.addOutOfLane(element);
                } else {
                    merge.add(lane, element);
                }
                model.add(element);
            } else {
                assertThat(merge.peekFirst()).as("step %d", step).isEqualTo(model.isEmpty() ? null : model.first());
                assertThat(merge.pollFirst()).as("step %d", step).isEqualTo(model.pollFirst());
            }
            assertThat(merge.isEmpty()).isEqualTo(model.isEmpty());
        }
    }
}
