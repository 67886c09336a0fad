package dev.segmentation.simulator;

import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.segmentation.simulator.journey.SimulationState;

/**
 * A source record whose hash code is computed once, when it is built.
 *
 * <p>An exactly-once worker keeps every record in a hash map until its transaction commits, and hashes it twice:
 * on the task thread when it is dispatched and on the producer's network thread when it is acknowledged.
 * {@link SourceRecord#hashCode()} walks the whole record each time (the struct's values, the schemas, the offset),
 * long after those objects have left the processor's caches; in the simulator benchmark that was a quarter of
 * the network thread's time. This hash reads only fields that {@link SourceRecord#equals} compares (equal records
 * are of the same class and carry equal offsets, hence the same count of events sent), so the two stay
 * consistent. Transforms build plain {@code SourceRecord}s through {@code newRecord}, which is as it should be.
 *
 * <p>That consistency rests on what {@link SourceRecord#equals} compares, which Kafka could change. It is checked
 * once, when the class loads: should equal records be able to differ in a field this hash reads, the record falls
 * back to {@code SourceRecord}'s own hash and says so once in the worker's log. {@code SimulatedRecordTest} fails
 * on such a version, so the upgrade is noticed there first.
 */
final class SimulatedRecord extends SourceRecord {

    private static final Logger log = LoggerFactory.getLogger(SimulatedRecord.class);
    private static final boolean HASH_FROM_FIELDS = equalsComparesTheHashedFields();

    private final int hash;

    SimulatedRecord(Map<String, ?> sourcePartition, SimulationState next, String topic, Integer partition,
                    Schema keySchema, Object key, Schema valueSchema, Object value, long timestamp) {
        this(sourcePartition, next, topic, partition, keySchema, key, valueSchema, value, timestamp, null);
    }

    SimulatedRecord(Map<String, ?> sourcePartition, SimulationState next, String topic, Integer partition,
                    Schema keySchema, Object key, Schema valueSchema, Object value, long timestamp,
                    Headers headers) {
        super(sourcePartition, next.toOffset(), topic, partition, keySchema, key, valueSchema, value, timestamp,
                headers);
        int h = topic.hashCode();
        h = 31 * h + (partition == null ? 0 : partition);
        h = 31 * h + Long.hashCode(timestamp);
        this.hash = 31 * h + Long.hashCode(next.eventsSent());
    }

    @Override
    public int hashCode() {
        return HASH_FROM_FIELDS ? hash : super.hashCode();
    }

    /** Whether this Kafka version's records stay unequal when they differ in any one field the hash reads. */
    static boolean hashesFromFields() {
        return HASH_FROM_FIELDS;
    }

    private static boolean equalsComparesTheHashedFields() {
        Map<String, Object> offset = Map.of("events", 1L);
        SourceRecord base = new SourceRecord(Map.of(), offset, "t", 0, null, null, null, null, 1L);
        boolean consistent = !base.equals(new SourceRecord(Map.of(), offset, "u", 0, null, null, null, null, 1L))
                && !base.equals(new SourceRecord(Map.of(), offset, "t", 1, null, null, null, null, 1L))
                && !base.equals(new SourceRecord(Map.of(), offset, "t", 0, null, null, null, null, 2L))
                && !base.equals(new SourceRecord(Map.of(), Map.of("events", 2L), "t", 0, null, null, null, null, 1L));
        if (!consistent) {
            log.warn("SourceRecord.equals in this Kafka version ignores a field SimulatedRecord hashes; records use "
                    + "SourceRecord's own hash code, which is correct and slower with exactly-once delivery");
        }
        return consistent;
    }

    @Override
    public boolean equals(Object other) {
        // The same relation as SourceRecord's; spelled out only because a class that overrides hashCode must say
        // which equality it keeps.
        return super.equals(other);
    }
}
