package dev.segmentation.window.transforms;

import java.time.Instant;
import java.util.Map;

import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.transforms.Transformation;

/** Records and configured transforms for the transform tests; fixed instants, never the wall clock. */
final class TestRecords {

    static final String TOPIC = "segment_registrations";
    static final int PARTITION = 2;
    static final long OFFSET = 41L;
    static final long RECORD_TIMESTAMP = Instant.parse("2026-03-02T09:10:00Z").toEpochMilli();

    static final Instant WINDOW_START = Instant.parse("2026-03-02T08:00:00Z");
    static final Instant WINDOW_END = Instant.parse("2026-03-02T09:00:00Z");
    static final Instant EMITTED_AT = Instant.parse("2026-03-02T09:10:00.123Z");

    private TestRecords() {
    }

    static SinkRecord record(Schema keySchema, Object key, Schema valueSchema, Object value) {
        return record(TOPIC, keySchema, key, valueSchema, value);
    }

    static SinkRecord record(String topic, Schema keySchema, Object key, Schema valueSchema, Object value) {
        return new SinkRecord(topic, PARTITION, keySchema, key, valueSchema, value, OFFSET, RECORD_TIMESTAMP,
                TimestampType.CREATE_TIME);
    }

    static <T extends Transformation<SinkRecord>> T configured(T transform, Map<String, ?> props) {
        transform.configure(props);
        return transform;
    }
}
