package dev.segmentation.stack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StreamsBenchmarkTest {

    @Test
    void everyLaunchOnOneInputGetsAConsumerGroupOfItsOwn() {
        long now = 1_796_605_280_419L;

        // Launches a hundred seconds apart, or a few milliseconds: ids once taken modulo 100,000 ms met again.
        assertThat(StreamsBenchmark.applicationId("bench1", StreamsBenchmark.Subject.APPLICATION, now))
                .isNotEqualTo(StreamsBenchmark.applicationId("bench1", StreamsBenchmark.Subject.APPLICATION,
                        now + 100_000))
                .isNotEqualTo(StreamsBenchmark.applicationId("bench1", StreamsBenchmark.Subject.APPLICATION, now + 1))
                .isNotEqualTo(StreamsBenchmark.applicationId("bench1", StreamsBenchmark.Subject.INTAKE_FLOOR, now))
                .startsWith("bench1-");
    }
}
