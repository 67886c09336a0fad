package dev.segmentation.window.users;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The watermarks one input partition has received, per input topic. A partition's watermark is the smallest of
 * its six topics': only then has every topic of the partition said it is done up to that time. Stored, so that a
 * restart between two topics' watermarks forgets neither.
 */
final class UpstreamWatermarks {

    private final KeyValueStore<Bytes, byte[]> store;
    private final Set<String> topics;
    private final Map<String, Long> byTopic = new HashMap<>();

    UpstreamWatermarks(KeyValueStore<Bytes, byte[]> store, Collection<String> topics) {
        this.store = store;
        this.topics = Set.copyOf(topics);
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> entry = it.next();
                byTopic.put(new String(entry.key.get(), StandardCharsets.UTF_8), ByteBuffer.wrap(entry.value).getLong());
            }
        }
    }

    /**
     * Records a topic's watermark.
     *
     * @return the partition's new watermark if it moved forward, otherwise {@link UserState#NONE}
     */
    long advance(String topic, long watermarkMs) {
        long before = partitionWatermark();
        if (watermarkMs > byTopic.getOrDefault(topic, UserState.NONE)) {
            byTopic.put(topic, watermarkMs);
            store.put(Bytes.wrap(topic.getBytes(StandardCharsets.UTF_8)),
                    ByteBuffer.allocate(Long.BYTES).putLong(watermarkMs).array());
        }
        long after = partitionWatermark();
        return after > before ? after : UserState.NONE;
    }

    private long partitionWatermark() {
        long min = Long.MAX_VALUE;
        for (String topic : topics) {
            Long watermark = byTopic.get(topic);
            if (watermark == null) {
                return UserState.NONE;
            }
            min = Math.min(min, watermark);
        }
        return min;
    }
}
