package dev.segmentation.window.transforms;

import java.util.Locale;

import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;

/**
 * The side of a record a transform works on. The nested {@code Key} and {@code Value} classes of each transform
 * (Kafka's {@code InsertField} shape) differ only in this, so they pass it up instead of repeating the accessors.
 */
enum RecordSide {
    KEY {
        @Override
        <R extends ConnectRecord<R>> Schema schema(R record) {
            return record.keySchema();
        }

        @Override
        <R extends ConnectRecord<R>> Object value(R record) {
            return record.key();
        }

        @Override
        <R extends ConnectRecord<R>> R with(R record, Schema schema, Object value) {
            return record.newRecord(record.topic(), record.kafkaPartition(), schema, value, record.valueSchema(),
                    record.value(), record.timestamp());
        }
    },
    VALUE {
        @Override
        <R extends ConnectRecord<R>> Schema schema(R record) {
            return record.valueSchema();
        }

        @Override
        <R extends ConnectRecord<R>> Object value(R record) {
            return record.value();
        }

        @Override
        <R extends ConnectRecord<R>> R with(R record, Schema schema, Object value) {
            return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(), schema,
                    value, record.timestamp());
        }
    };

    abstract <R extends ConnectRecord<R>> Schema schema(R record);

    abstract <R extends ConnectRecord<R>> Object value(R record);

    /** The record with this side replaced; the other side, topic, partition, timestamp and headers are kept. */
    abstract <R extends ConnectRecord<R>> R with(R record, Schema schema, Object value);

    RecordSide other() {
        return this == KEY ? VALUE : KEY;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
