package dev.segmentation.simulator.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

class SimulationStateTest {

    private final SimulationState state = new SimulationState(12, new SessionCursor(3, 1_700_000_000_000L, 2),
            new Position(1_700_000_050_000L, 4, 2, 0), 1_700_000_050_000L, false);

    @Test
    void roundTripsThroughAnOffsetWhateverTheIntegerType() {
        assertThat(SimulationState.fromOffset(state.toOffset())).isEqualTo(state);
        Map<String, Object> asJsonReadsIt = new HashMap<>(state.toOffset());
        asJsonReadsIt.replaceAll((key, value) -> value instanceof Long l && l == l.intValue() ? (Object) l.intValue() : value);
        assertThat(SimulationState.fromOffset(asJsonReadsIt)).isEqualTo(state);
        assertThat(SimulationState.fromOffset(SimulationState.initial(5).toOffset())).isEqualTo(SimulationState.initial(5));
    }

    @Test
    void refusesAnOffsetOfTheWrongShapeNamingTheKey() {
        Map<String, Object> missing = new HashMap<>(state.toOffset());
        missing.remove("low.session");
        Map<String, Object> wrongType = new HashMap<>(state.toOffset());
        wrongType.put("events.sent", "twelve");
        Map<String, Object> negative = new HashMap<>(state.toOffset());
        negative.put("low.session.users.before", -1L);
        Map<String, Object> notBoolean = new HashMap<>(state.toOffset());
        notBoolean.put("watermark.sent", 1);

        assertThatThrownBy(() -> SimulationState.fromOffset(missing))
                .isInstanceOf(ConnectException.class).hasMessageContaining("'low.session'");
        assertThatThrownBy(() -> SimulationState.fromOffset(wrongType))
                .isInstanceOf(ConnectException.class).hasMessageContaining("'events.sent'");
        assertThatThrownBy(() -> SimulationState.fromOffset(negative))
                .isInstanceOf(ConnectException.class).hasMessageContaining("'low.session.users.before'");
        assertThatThrownBy(() -> SimulationState.fromOffset(notBoolean))
                .isInstanceOf(ConnectException.class).hasMessageContaining("'watermark.sent'");
    }
}
