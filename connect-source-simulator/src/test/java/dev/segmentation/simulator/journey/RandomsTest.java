package dev.segmentation.simulator.journey;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class RandomsTest {

    @Test
    void firstLongIsTheFirstValueOfTheSameStream() {
        SplittableRandom keys = new SplittableRandom(3);
        for (int i = 0; i < 10_000; i++) {
            long seed = keys.nextLong();
            int task = keys.nextInt(64);
            long stream = keys.nextLong();
            long index = keys.nextLong();

            assertThat(Randoms.firstLong(seed, task, stream, index))
                    .isEqualTo(Randoms.of(seed, task, stream, index).nextLong());
        }
    }
}
