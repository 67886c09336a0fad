package dev.segmentation.avro;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Writes a Connect value in Avro binary, following the schema {@link AvroSchemaJson} renders for the same Connect
 * schema. The writers for a schema are built once; writing a record then walks the struct's fields (see
 * {@link StructWriter}) with no lookups, no intermediate Avro record and no schema comparison.
 */
@FunctionalInterface
interface ValueWriter {

    void write(AvroOutput out, Object value);

    /** The writer of values of the given schema; {@code path} names the value in error messages. */
    static ValueWriter of(Schema schema, String path) {
        ValueWriter type = ofType(schema, path);
        if (!schema.isOptional()) {
            return (out, value) -> {
                if (value == null) {
                    throw new DataException(path + " is required but null");
                }
                type.write(out, value);
            };
        }
        int nullBranch = AvroSchemaJson.nullBranchFirst(schema) ? 0 : 1;
        return (out, value) -> {
            if (value == null) {
                out.writeInt(nullBranch);
            } else {
                out.writeInt(1 - nullBranch);
                type.write(out, value);
            }
        };
    }

    private static ValueWriter ofType(Schema schema, String path) {
        String logical = schema.name();
        return switch (schema.type()) {
            case INT8 -> (out, value) -> out.writeInt((Byte) value);
            case INT16 -> (out, value) -> out.writeInt((Short) value);
            case INT32 -> {
                if (Date.LOGICAL_NAME.equals(logical)) {
                    yield (out, value) -> out.writeInt(Date.fromLogical(schema, (java.util.Date) value));
                }
                if (Time.LOGICAL_NAME.equals(logical)) {
                    yield (out, value) -> out.writeInt(Time.fromLogical(schema, (java.util.Date) value));
                }
                yield (out, value) -> out.writeInt((Integer) value);
            }
            case INT64 -> Timestamp.LOGICAL_NAME.equals(logical)
                    ? (out, value) -> out.writeLong(((java.util.Date) value).getTime())
                    : (out, value) -> out.writeLong((Long) value);
            case FLOAT32 -> (out, value) -> out.writeFloat((Float) value);
            case FLOAT64 -> (out, value) -> out.writeDouble((Double) value);
            case BOOLEAN -> (out, value) -> out.writeBoolean((Boolean) value);
            case STRING -> (out, value) -> out.writeString((String) value);
            case BYTES -> Decimal.LOGICAL_NAME.equals(logical)
                    ? (out, value) -> out.writeBytes(Decimal.fromLogical(schema, (BigDecimal) value))
                    : ValueWriter::writeBytes;
            case ARRAY -> array(of(schema.valueSchema(), path + "[]"));
            case MAP -> map(of(schema.valueSchema(), path + "{}"));
            case STRUCT -> new StructWriter(schema, path);
        };
    }

    private static void writeBytes(AvroOutput out, Object value) {
        if (value instanceof byte[] bytes) {
            out.writeBytes(bytes);
        } else {
            ByteBuffer buffer = ((ByteBuffer) value).duplicate();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            out.writeBytes(bytes);
        }
    }

    /** Avro arrays and maps are blocks of items, each block led by its count, ended by an empty block. */
    private static ValueWriter array(ValueWriter items) {
        return (out, value) -> {
            List<?> list = (List<?>) value;
            if (!list.isEmpty()) {
                out.writeLong(list.size());
                for (Object item : list) {
                    items.write(out, item);
                }
            }
            out.writeLong(0);
        };
    }

    private static ValueWriter map(ValueWriter values) {
        return (out, value) -> {
            Map<?, ?> map = (Map<?, ?>) value;
            if (!map.isEmpty()) {
                out.writeLong(map.size());
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    out.writeString((String) entry.getKey());
                    values.write(out, entry.getValue());
                }
            }
            out.writeLong(0);
        };
    }
}
