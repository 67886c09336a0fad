package dev.segmentation.avro;

import java.util.Date;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Writes a struct's fields in order. Required strings, ints, longs and timestamps, the fields of nearly every event,
 * are written in place by a switch on their kind; the other fields go through their own {@link ValueWriter}. A
 * call per field through an interface with dozens of implementations is one the JIT cannot inline, and it was a
 * visible share of the converter's time.
 */
final class StructWriter implements ValueWriter {

    private static final byte OTHER = 0;
    private static final byte STRING = 1;
    private static final byte INT32 = 2;
    private static final byte INT64 = 3;
    private static final byte TIMESTAMP = 4;

    private final Schema schema;
    private final String path;
    private final Field[] fields;
    private final byte[] kinds;
    /** The writer of each field of kind {@code OTHER}; null for the fields written in place. */
    private final ValueWriter[] writers;

    StructWriter(Schema schema, String path) {
        this.schema = schema;
        this.path = path;
        this.fields = schema.fields().toArray(new Field[0]);
        this.kinds = new byte[fields.length];
        this.writers = new ValueWriter[fields.length];
        for (int i = 0; i < fields.length; i++) {
            kinds[i] = kind(fields[i].schema());
            if (kinds[i] == OTHER) {
                writers[i] = ValueWriter.of(fields[i].schema(), path + "." + fields[i].name());
            }
        }
    }

    @Override
    public void write(AvroOutput out, Object value) {
        Struct struct = (Struct) value;
        // Connect builds schemas once and shares them, so this is nearly always the identity check.
        if (struct.schema() != schema && !struct.schema().equals(schema)) {
            throw new DataException(path + " is a struct of schema " + struct.schema().name()
                    + " where its schema says " + schema.name());
        }
        for (int i = 0; i < fields.length; i++) {
            Object field = struct.get(fields[i]);
            if (field == null && kinds[i] != OTHER) {
                throw new DataException(path + "." + fields[i].name() + " is required but null");
            }
            switch (kinds[i]) {
                case STRING -> out.writeString((String) field);
                case INT32 -> out.writeInt((Integer) field);
                case INT64 -> out.writeLong((Long) field);
                case TIMESTAMP -> out.writeLong(((Date) field).getTime());
                default -> writers[i].write(out, field);
            }
        }
    }

    private static byte kind(Schema field) {
        if (field.isOptional()) {
            return OTHER;
        }
        if (Timestamp.LOGICAL_NAME.equals(field.name())) {
            return TIMESTAMP;
        }
        if (field.name() != null) {
            return OTHER;
        }
        return switch (field.type()) {
            case STRING -> STRING;
            case INT32 -> INT32;
            case INT64 -> INT64;
            default -> OTHER;
        };
    }
}
