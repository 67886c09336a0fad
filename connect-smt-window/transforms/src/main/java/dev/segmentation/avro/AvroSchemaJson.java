package dev.segmentation.avro;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Renders a Connect schema as the Avro schema (JSON) that {@link DirectAvroConverter} registers and writes.
 *
 * <p>The mapping is Avro's plain one, the same Confluent's converter makes less its {@code connect.*} properties:
 * a struct is a record named after the schema (unnamed ones are {@code io.confluent.connect.avro.ConnectDefault},
 * {@code ConnectDefault2}, ...); an optional schema is a union with {@code null}, first unless the schema has a
 * non-null default; Connect's logical types become Avro's ({@code timestamp-millis}, {@code date},
 * {@code time-millis}, {@code decimal}); docs become {@code doc}. Maps need string keys, as Avro's maps do.
 */
final class AvroSchemaJson {

    static final String DEFAULT_NAMESPACE = "io.confluent.connect.avro";
    static final String DEFAULT_NAME = "ConnectDefault";
    private static final int DEFAULT_DECIMAL_PRECISION = 64;

    private final StringBuilder json = new StringBuilder(512);
    /** Records already defined in this schema, which Avro then refers to by name only. */
    private final Map<String, Schema> records = new HashMap<>();
    private int unnamedRecords;

    private AvroSchemaJson() {
    }

    /**
     * The Avro schema of values of the given Connect schema, as compact JSON; {@code path} names the value in error
     * messages.
     */
    static String of(Schema schema, String path) {
        AvroSchemaJson renderer = new AvroSchemaJson();
        renderer.render(schema, path);
        return renderer.json.toString();
    }

    /** Whether an optional schema's union puts {@code null} first, as it must when the default is null. */
    static boolean nullBranchFirst(Schema schema) {
        return schema.defaultValue() == null;
    }

    private void render(Schema schema, String path) {
        if (!schema.isOptional()) {
            renderType(schema, path);
        } else if (nullBranchFirst(schema)) {
            json.append("[\"null\",");
            renderType(schema, path);
            json.append(']');
        } else {
            json.append('[');
            renderType(schema, path);
            json.append(",\"null\"]");
        }
    }

    private void renderType(Schema schema, String path) {
        String logical = schema.name();
        switch (schema.type()) {
            case INT8, INT16 -> json.append("\"int\"");
            case INT32 -> {
                if (Date.LOGICAL_NAME.equals(logical)) {
                    json.append("{\"type\":\"int\",\"logicalType\":\"date\"}");
                } else if (Time.LOGICAL_NAME.equals(logical)) {
                    json.append("{\"type\":\"int\",\"logicalType\":\"time-millis\"}");
                } else {
                    json.append("\"int\"");
                }
            }
            case INT64 -> json.append(Timestamp.LOGICAL_NAME.equals(logical)
                    ? "{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}" : "\"long\"");
            case FLOAT32 -> json.append("\"float\"");
            case FLOAT64 -> json.append("\"double\"");
            case BOOLEAN -> json.append("\"boolean\"");
            case STRING -> json.append("\"string\"");
            case BYTES -> {
                if (Decimal.LOGICAL_NAME.equals(logical)) {
                    json.append("{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":")
                            .append(decimalPrecision(schema)).append(",\"scale\":")
                            .append(schema.parameters().get(Decimal.SCALE_FIELD)).append('}');
                } else {
                    json.append("\"bytes\"");
                }
            }
            case ARRAY -> {
                json.append("{\"type\":\"array\",\"items\":");
                render(schema.valueSchema(), path + "[]");
                json.append('}');
            }
            case MAP -> {
                requireStringKeys(schema, path);
                json.append("{\"type\":\"map\",\"values\":");
                render(schema.valueSchema(), path + "{}");
                json.append('}');
            }
            case STRUCT -> renderRecord(schema, path);
            default -> throw new DataException("Cannot map " + path + " of type " + schema.type() + " to Avro");
        }
    }

    private void renderRecord(Schema schema, String path) {
        String fullName = schema.name() != null ? schema.name() : DEFAULT_NAMESPACE + "." + nextUnnamedRecord();
        Schema defined = records.putIfAbsent(fullName, schema);
        if (defined != null) {
            // An optional and a required use of one struct are the same Avro record; only the union differs.
            if (!defined.fields().equals(schema.fields())) {
                throw new DataException(path + " is a struct named " + fullName + " that differs from another struct "
                        + "of that name in the same schema; Avro needs distinct names for distinct records");
            }
            json.append(quote(fullName));
            return;
        }
        int dot = fullName.lastIndexOf('.');
        json.append("{\"type\":\"record\",\"name\":").append(quote(fullName.substring(dot + 1)));
        if (dot > 0) {
            json.append(",\"namespace\":").append(quote(fullName.substring(0, dot)));
        }
        if (schema.doc() != null) {
            json.append(",\"doc\":").append(quote(schema.doc()));
        }
        json.append(",\"fields\":[");
        String separator = "";
        for (Field field : schema.fields()) {
            json.append(separator).append("{\"name\":").append(quote(field.name())).append(",\"type\":");
            render(field.schema(), path + "." + field.name());
            if (field.schema().doc() != null) {
                json.append(",\"doc\":").append(quote(field.schema().doc()));
            }
            if (field.schema().isOptional() && nullBranchFirst(field.schema())) {
                json.append(",\"default\":null");
            } else if (field.schema().defaultValue() != null) {
                appendDefault(field.schema().defaultValue());
            }
            json.append('}');
            separator = ",";
        }
        json.append("]}");
    }

    private String nextUnnamedRecord() {
        unnamedRecords++;
        return unnamedRecords == 1 ? DEFAULT_NAME : DEFAULT_NAME + unnamedRecords;
    }

    /** Defaults of primitive fields are carried over; Avro readers only need them to fill fields a writer lacks. */
    private void appendDefault(Object value) {
        if (value instanceof String text) {
            json.append(",\"default\":").append(quote(text));
        } else if (value instanceof Number || value instanceof Boolean) {
            json.append(",\"default\":").append(value);
        }
    }

    private static void requireStringKeys(Schema schema, String path) {
        if (schema.keySchema().type() != Schema.Type.STRING) {
            throw new DataException(path + " is a map with " + schema.keySchema().type() + " keys, and Avro maps have "
                    + "string keys only. Use string keys, or Confluent's io.confluent.connect.avro.AvroConverter, "
                    + "which writes such maps as arrays of key-value records.");
        }
    }

    private static int decimalPrecision(Schema schema) {
        String precision = schema.parameters().get("connect.decimal.precision");
        return precision != null ? Integer.parseInt(precision) : DEFAULT_DECIMAL_PRECISION;
    }

    /** A JSON string literal. */
    static String quote(String text) {
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
