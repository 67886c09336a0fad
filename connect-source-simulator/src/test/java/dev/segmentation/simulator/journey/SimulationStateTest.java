package dev.segmentation.simulator.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

class SimulationStateTest {

    @Test
    void roundTripsThroughAnOffsetWhateverTheIntegerType() {
        SimulationState state = new SimulationState(12, 1_700_000_000_000L);
        assertThat(SimulationState.fromOffset(state.toOffset())).isEqualTo(state);
        assertThat(SimulationState.fromOffset(Map.of("sequence", 12, "next.event.time.ms", 1_700_000_000_000L)))
                .isEqualTo(state);
    }

    @Test
    void refusesAnOffsetOfTheWrongShapeNamingTheKey() {
        assertThatThrownBy(() -> SimulationState.fromOffset(Map.of("sequence", 3)))
                .isInstanceOf(ConnectException.class).hasMessageContaining("next.event.time.ms");
        assertThatThrownBy(() -> SimulationState.fromOffset(Map.of("sequence", "x", "next.event.time.ms", 1L)))
                .isInstanceOf(ConnectException.class).hasMessageContaining("'sequence'");
        assertThatThrownBy(() -> SimulationState.fromOffset(Map.of("sequence", -1L, "next.event.time.ms", 1L)))
                .isInstanceOf(ConnectException.class).hasMessageContaining("'sequence'");
    }
}
