package dev.segmentation.window.metrics;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Partitions partials and late events by segment as Kafka would, except watermarks and progress ticks, which go to
 * every partition (KIP-837). The windows keep their clock per task, that is per partition of this topic: a watermark
 * that reached only one of them would close the last windows there and nowhere else, and a progress tick must reach
 * every partition that waits for its upstream partition ({@link OriginAlignment}).
 */
public final class WatermarkMulticast implements StreamPartitioner<Bytes, Object> {

    private final ConcurrentHashMap<Integer, Optional<Set<Integer>>> everyPartition = new ConcurrentHashMap<>();

    @Override
    public Optional<Set<Integer>> partitions(String topic, Bytes key, Object value, int numPartitions) {
        if (!(value instanceof Contribution contribution) || (contribution.kind() != Contribution.Kind.WATERMARK
                && contribution.kind() != Contribution.Kind.PROGRESS)) {
            // Empty means the default partitioner: the hash of the serialized key.
            return Optional.empty();
        }
        return everyPartition.computeIfAbsent(numPartitions, n -> Optional.of(
                IntStream.range(0, n).boxed().collect(Collectors.toUnmodifiableSet())));
    }
}
