package dev.segmentation.window.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Set;

import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

class WatermarkMulticastTest {

    private final WatermarkMulticast partitioner = new WatermarkMulticast();
    private final Bytes key = Bytes.wrap(new byte[] {1, 2, 3});

    @Test
    void sendsAWatermarkToEveryPartition() {
        assertThat(partitioner.partitions("t", key, Contribution.watermark(2), 4)).contains(Set.of(0, 1, 2, 3));
        assertThat(partitioner.partitions("t", key, Contribution.watermark(0), 1)).contains(Set.of(0));
    }

    @Test
    void sendsAProgressTickToEveryPartition() {
        assertThat(partitioner.partitions("t", key, Contribution.progress(1), 3)).contains(Set.of(0, 1, 2));
    }

    @Test
    void leavesEverythingElseToTheDefaultPartitioner() {
        assertThat(partitioner.partitions("t", key, new Contribution(Contribution.Kind.ITEM_VIEW, 0, 3, 0), 4))
                .isEqualTo(Optional.empty());
        assertThat(partitioner.partitions("t", key, new Contribution(Contribution.Kind.SESSION_END, 1, 0, 60_000), 4))
                .isEqualTo(Optional.empty());
    }
}
