package dev.segmentation.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

class TaskSliceTest {

    /**
     * The worker looks offsets up by the partition's serialized bytes, and serializes partitions it has read back
     * from the offsets topic (for the REST API, for instance) from the maps its converter builds.
     */
    @Test
    void sourcePartitionSerializesAsThePartitionsTheWorkerReadsBack() {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "false"), true);
        for (TaskSlice slice : new TaskSlice[] {new TaskSlice(0, 1), new TaskSlice(2, 3), new TaskSlice(11, 12)}) {
            byte[] written = converter.fromConnectData("offsets", null, slice.sourcePartition());
            Object readBack = converter.toConnectData("offsets", written).value();
            assertThat(converter.fromConnectData("offsets", null, readBack)).isEqualTo(written);
        }
    }
}
