package dev.segmentation.window;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.InternalFixedKeyRecordFactory;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The two Kafka Streams internals the stage relies on, kept in this one place so that a Kafka upgrade is checked
 * here: {@code KafkaInternalsTest} fails, naming the internal, when either stops working as the stage needs.
 *
 * <p>There is no fallback at run time, and none is needed: the application is not a plugin loaded into someone
 * else's runtime, it ships with the Kafka Streams version the parent pom pins, so every upgrade is made by this
 * project, with these tests. Both are worth keeping: without the first, the last windows of a bounded run close
 * only after a second of wall-clock time; without the second, contributions read back from a store at start-up
 * would need a key-changing processor, and so one more repartition topic.
 */
public final class KafkaInternals {

    /**
     * How often, in wall-clock milliseconds, a windowed aggregation that emits on window close looks for closed
     * windows. Taken from Kafka's own constant, so that a rename fails the build rather than being ignored.
     */
    public static final String WINDOWED_EMIT_INTERVAL_CONFIG =
            StreamsConfig.InternalConfig.EMIT_INTERVAL_MS_KSTREAMS_WINDOWED_AGGREGATION;

    private KafkaInternals() {
    }

    /**
     * A fixed-key record that was not handed to the processor by Kafka: one read back from a state store. Kafka
     * offers no public way to build one; the processor that forwards it must keep the key it arrived with.
     */
    public static <K, V> FixedKeyRecord<K, V> fixedKeyRecord(K key, V value, long timestamp) {
        return InternalFixedKeyRecordFactory.create(new Record<>(key, value, timestamp));
    }
}
