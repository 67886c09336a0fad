package dev.segmentation.window.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

class PercentileTest {

    @Test
    void takesTheNearestRank() {
        assertThat(Percentile.nearestRank(LongStream.rangeClosed(1, 20).map(i -> 21 - i).toArray(), 20, 95)).isEqualTo(19);
        assertThat(Percentile.nearestRank(LongStream.rangeClosed(1, 100).toArray(), 100, 95)).isEqualTo(95);
        assertThat(Percentile.nearestRank(LongStream.rangeClosed(1, 21).toArray(), 21, 95)).isEqualTo(20);
        assertThat(Percentile.nearestRank(new long[] {7, 3, 5}, 3, 95)).isEqualTo(7);
        assertThat(Percentile.nearestRank(new long[] {42}, 1, 95)).isEqualTo(42);
    }

    @Test
    void readsOnlyTheGivenCount() {
        assertThat(Percentile.nearestRank(new long[] {4, 2, 99, 99}, 2, 95)).isEqualTo(4);
    }

    @Test
    void refusesNoValues() {
        assertThatThrownBy(() -> Percentile.nearestRank(new long[0], 0, 95)).isInstanceOf(IllegalArgumentException.class);
    }
}
