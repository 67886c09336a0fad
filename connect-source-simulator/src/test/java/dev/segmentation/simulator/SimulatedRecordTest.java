package dev.segmentation.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import dev.segmentation.simulator.journey.SimulationState;

class SimulatedRecordTest {

    private static final Map<String, ?> PARTITION = Map.of("task", 0);

    @Test
    void thisKafkaVersionComparesEveryFieldTheHashReads() {
        // The fallback is correct but slower; a Kafka upgrade that changes SourceRecord.equals should be noticed here.
        assertThat(SimulatedRecord.hashesFromFields()).isTrue();
    }

    @Test
    void equalRecordsHashAlikeAndAPlainCopyIsEqual() {
        SimulationState state = SimulationState.initial(1_000L);
        SimulatedRecord record = record(state, "sign_in", 1_000L);
        SimulatedRecord same = record(state, "sign_in", 1_000L);
        SourceRecord plain = new SourceRecord(PARTITION, state.toOffset(), "sign_in", 0, Schema.STRING_SCHEMA, "u0-1",
                Schema.STRING_SCHEMA, "v", 1_000L);

        assertThat(same).isEqualTo(record).hasSameHashCodeAs(record);
        assertThat(record).isNotEqualTo(plain);
        assertThat(record(state, "sign_in", 2_000L)).isNotEqualTo(record);
        assertThat(record(state, "sign_out", 1_000L)).isNotEqualTo(record);
    }

    private static SimulatedRecord record(SimulationState state, String topic, long timestamp) {
        return new SimulatedRecord(PARTITION, state, topic, 0, Schema.STRING_SCHEMA, "u0-1", Schema.STRING_SCHEMA, "v",
                timestamp);
    }
}
