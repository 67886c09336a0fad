package dev.segmentation.window.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WatermarkGateTest {

    private static final long NONE = WatermarkGate.NONE;

    @Test
    void holdsAWatermarkBackUntilEveryKnownOriginHasSentOne() {
        WatermarkGate gate = new WatermarkGate(0);
        assertThat(gate.noteOrigin(0)).isTrue();
        assertThat(gate.noteOrigin(1)).isTrue();
        assertThat(gate.noteOrigin(0)).as("known already").isFalse();

        assertThat(gate.onWatermark(0, 5_000)).as("origin 1 may still send older events").isEqualTo(NONE);
        assertThat(gate.onWatermark(1, 7_000)).as("the smaller of the two").isEqualTo(5_000);
        assertThat(gate.onWatermark(1, 9_000)).as("origin 0 still at 5,000").isEqualTo(NONE);
        assertThat(gate.onWatermark(0, 8_000)).isEqualTo(8_000);
    }

    @Test
    void anUpstreamPartitionNotYetHeardFromHoldsTheWatermarkBack() {
        WatermarkGate gate = new WatermarkGate(3);
        // Catching up on a finished run: task 0 has read all its input while tasks 1 and 2 have sent nothing yet.
        assertThat(gate.onWatermark(0, 5_000)).isEqualTo(NONE);
        assertThat(gate.onWatermark(2, 6_000)).isEqualTo(NONE);
        assertThat(gate.onWatermark(1, 7_000)).isEqualTo(5_000);
    }

    @Test
    void neverMovesBackAndNeverRepeatsAWatermark() {
        WatermarkGate gate = new WatermarkGate(0);
        assertThat(gate.onWatermark(0, 5_000)).isEqualTo(5_000);
        assertThat(gate.onWatermark(0, 5_000)).isEqualTo(NONE);
        assertThat(gate.onWatermark(0, 4_000)).isEqualTo(NONE);
        assertThat(gate.watermarkOf(0)).isEqualTo(5_000);
    }

    @Test
    void anOriginFirstHeardFromAfterAReleaseHoldsTheNextOneBack() {
        WatermarkGate gate = new WatermarkGate(0);
        assertThat(gate.onWatermark(0, 5_000)).isEqualTo(5_000);
        gate.noteOrigin(2);
        assertThat(gate.onWatermark(0, 6_000)).isEqualTo(NONE);
        assertThat(gate.onWatermark(2, 6_500)).isEqualTo(6_000);
    }

    @Test
    void restoredStateBehavesLikeTheOriginal() {
        WatermarkGate gate = new WatermarkGate(0);
        gate.restore(0, 5_000);
        gate.restore(1, NONE);
        assertThat(gate.onWatermark(0, 9_000)).isEqualTo(NONE);
        assertThat(gate.onWatermark(1, 6_000)).isEqualTo(6_000);
    }

    @Test
    void aWatermarkHeldBeforeARestartIsReleasedAfterIt() {
        WatermarkGate gate = new WatermarkGate(0);
        // Restored in store order: the origin with a watermark first, the one still holding it back second.
        gate.restore(0, 5_000);
        gate.restore(1, NONE);
        assertThat(gate.onWatermark(1, 6_000)).isEqualTo(5_000);
    }
}
