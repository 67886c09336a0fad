package dev.segmentation.window.transforms;

import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.cache.Cache;
import org.apache.kafka.common.cache.LRUCache;
import org.apache.kafka.common.cache.SynchronizedCache;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.transforms.Transformation;

import dev.segmentation.events.BundleVersion;

/**
 * Turns top-level fields holding epoch milliseconds into Connect timestamps, so that the Snowflake and JDBC sinks
 * create TIMESTAMP columns for {@code window_start}, {@code window_end}, {@code emitted_at} or {@code event_time}
 * instead of BIGINT ones. Use {@link Key} or {@link Value}:
 *
 * <pre>
 * transforms=timestamps
 * transforms.timestamps.type=dev.segmentation.window.transforms.TimestampFields$Value
 * transforms.timestamps.fields=window_start,window_end,emitted_at
 * </pre>
 *
 * <p>With a schema, each listed {@code int64} field gets the {@link Timestamp} schema (optional if it was, with its
 * doc and default carried over) and a {@link Date} value; without a schema, a listed {@link Long} in the map
 * becomes a {@link Date}. A listed field that is absent is left alone, a null stays null, and a field that already
 * is a timestamp (an Avro {@code timestamp-millis}, or the output of an earlier pass) is kept as it is. Any other
 * type raises a {@link DataException} naming the field and the type found: in particular an {@code int64} with
 * another logical name, such as microseconds, is refused rather than misread as milliseconds.
 *
 * <p>A null key or value (a tombstone) passes through unchanged when it is the side being converted.
 */
public abstract class TimestampFields<R extends ConnectRecord<R>> implements Transformation<R>, Versioned {

    public static final String OVERVIEW_DOC = "Converts top-level fields holding epoch milliseconds (int64) into "
            + "Connect timestamps, in the record key (" + TimestampFields.class.getName() + "$Key) or value ("
            + TimestampFields.class.getName() + "$Value).";

    static final String GROUP = "Timestamp fields";

    public static final String FIELDS_CONFIG = "fields";
    private static final String FIELDS_DOC = "Top-level fields holding epoch milliseconds as int64 (with a schema) "
            + "or Long (without one) to turn into timestamps. A listed field missing from a record is left alone; "
            + "one of any other type fails the record.";

    /** The configuration definition, also the source of the generated documentation. */
    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(FIELDS_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Validators.fieldNames(), Importance.HIGH,
                    FIELDS_DOC, GROUP, 1, Width.LONG, "Fields to convert");

    private static final String PURPOSE = TimestampFields.class.getSimpleName();

    private final RecordSide side;
    private List<String> fields;
    private Cache<Schema, Schema> schemaCache;

    protected TimestampFields(RecordSide side) {
        this.side = side;
    }

    @Override
    public void configure(Map<String, ?> props) {
        AbstractConfig config = new AbstractConfig(CONFIG_DEF, props, false);
        fields = List.copyOf(config.getList(FIELDS_CONFIG));
        // Few distinct schemas flow through one connector; the bound only guards against a stream of new ones.
        schemaCache = new SynchronizedCache<>(new LRUCache<>(16));
    }

    @Override
    public R apply(R record) {
        Object operand = side.value(record);
        if (operand == null) {
            return record;
        }
        Schema schema = side.schema(record);
        return schema == null ? applySchemaless(record, operand) : applyWithSchema(record, schema, operand);
    }

    private R applySchemaless(R record, Object operand) {
        Map<String, Object> original = StructValues.requireMap(operand, PURPOSE);
        Map<String, Object> updated = new LinkedHashMap<>(original);
        for (String field : fields) {
            if (original.containsKey(field)) {
                updated.put(field, toDate(field, original.get(field)));
            }
        }
        return side.with(record, null, updated);
    }

    private static Object toDate(String field, Object value) {
        if (value == null || value instanceof Date) {
            return value;
        }
        if (value instanceof Long millis) {
            return new Date(millis);
        }
        throw new DataException("Field '" + field + "' must hold epoch milliseconds as a Long to become a "
                + "timestamp, found " + StructValues.typeOf(value));
    }

    private R applyWithSchema(R record, Schema schema, Object operand) {
        Struct original = StructValues.requireStruct(operand, PURPOSE);
        Schema updatedSchema = schemaCache.get(schema);
        if (updatedSchema == null) {
            updatedSchema = timestampSchema(schema);
            schemaCache.put(schema, updatedSchema);
        }
        Struct updated = new Struct(updatedSchema);
        for (Field field : updatedSchema.fields()) {
            Object value = StructValues.fieldValue(original, field);
            // Only a converted field can hold a Long where the new schema expects a timestamp.
            updated.put(field, value instanceof Long millis && isTimestamp(field.schema()) ? new Date(millis) : value);
        }
        return side.with(record, updatedSchema, updated);
    }

    private Schema timestampSchema(Schema schema) {
        SchemaBuilder builder = StructValues.structLike(schema);
        for (Field field : schema.fields()) {
            builder.field(field.name(),
                    fields.contains(field.name()) ? timestampSchema(field.name(), field.schema()) : field.schema());
        }
        return builder.build();
    }

    private static Schema timestampSchema(String field, Schema schema) {
        if (isTimestamp(schema)) {
            return schema;
        }
        if (schema.type() != Schema.Type.INT64 || schema.name() != null) {
            throw new DataException("Field '" + field + "' must be a plain int64 of epoch milliseconds to become a "
                    + "timestamp, found " + StructValues.describe(schema));
        }
        SchemaBuilder builder = Timestamp.builder().doc(schema.doc());
        if (schema.parameters() != null) {
            builder.parameters(schema.parameters());
        }
        if (schema.defaultValue() != null) {
            builder.defaultValue(new Date((Long) schema.defaultValue()));
        }
        return schema.isOptional() ? builder.optional().build() : builder.build();
    }

    private static boolean isTimestamp(Schema schema) {
        return Timestamp.LOGICAL_NAME.equals(schema.name());
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public String version() {
        return BundleVersion.get();
    }

    @Override
    public void close() {
        schemaCache = null;
    }

    /** Converts fields of the record key; the value is passed on untouched, even when it is null. */
    public static class Key<R extends ConnectRecord<R>> extends TimestampFields<R> {
        public Key() {
            super(RecordSide.KEY);
        }
    }

    /** Converts fields of the record value; the key is passed on untouched. */
    public static class Value<R extends ConnectRecord<R>> extends TimestampFields<R> {
        public Value() {
            super(RecordSide.VALUE);
        }
    }
}
