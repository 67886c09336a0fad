package dev.segmentation.window.transforms;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.transforms.Transformation;

import dev.segmentation.events.BundleVersion;

/**
 * Copies named top-level fields between the key and the value, so that a sink which reads only one side sees both.
 * {@link Value} copies from the key into the value: Snowflake's schematization turns only the value into columns,
 * so the window key's fields ({@code metric}, the segment, {@code window_start}) must be in the value.
 * {@link Key} copies from the value into the key.
 *
 * <pre>
 * transforms=keyIntoValue
 * transforms.keyIntoValue.type=dev.segmentation.window.transforms.CopyFields$Value
 * transforms.keyIntoValue.fields=metric,window_start
 * </pre>
 *
 * <p>Rules, the same for both directions:
 * <ul>
 *   <li>The copies are appended to the target in the order of {@code fields}. A listed field the source does not
 *       have is skipped, so one configuration serves topics whose keys differ; a record whose source has none
 *       of them passes unchanged.</li>
 *   <li>If the target already has the field: with {@code overwrite=false} an equal value is kept and a different
 *       one fails the record with a {@link DataException} naming the field (values are not printed: they may be
 *       personal data); with {@code overwrite=true} the source's value and schema replace the target's in place.</li>
 *   <li>A target with a schema must be a {@link Struct} and gets a new schema (cached per pair of schemas): its own
 *       fields, then the copied fields with their source schemas. The source must then have a schema too.
 *       A schemaless target must be a {@link Map} and takes the values as they are.</li>
 *   <li>{@link Value} only: a key that is neither a Struct nor a Map (a string or number key) is copied whole, with
 *       its schema, under the name {@code primitive.key.field} when {@code fields} lists that name.</li>
 *   <li>A null source or target leaves the record unchanged: a tombstone keeps its null value, and
 *       {@link Value} on a record with a null key copies nothing, so the listed fields are then missing from the
 *       value.</li>
 * </ul>
 */
public abstract class CopyFields<R extends ConnectRecord<R>> implements Transformation<R>, Versioned {

    public static final String OVERVIEW_DOC = "Copies top-level fields from the key into the value ("
            + CopyFields.class.getName() + "$Value) or from the value into the key (" + CopyFields.class.getName()
            + "$Key).";

    static final String GROUP = "Copied fields";

    public static final String FIELDS_CONFIG = "fields";
    private static final String FIELDS_DOC = "Top-level fields to copy from the source side of the record to the "
            + "other side, appended in this order. A listed field the source lacks is skipped.";

    public static final String OVERWRITE_CONFIG = "overwrite";
    private static final String OVERWRITE_DOC = "What to do when the target already has a copied field: false keeps "
            + "an equal value and fails the record on a different one; true replaces the target's value and schema.";
    public static final boolean OVERWRITE_DEFAULT = false;

    public static final String PRIMITIVE_KEY_FIELD_CONFIG = "primitive.key.field";
    private static final String PRIMITIVE_KEY_FIELD_DOC = "Only for " + CopyFields.class.getName() + "$Value: the "
            + "name under which a key that is neither a Struct nor a Map (a string or number) is copied into the "
            + "value. The key is copied only when '" + FIELDS_CONFIG + "' lists this name.";
    public static final String PRIMITIVE_KEY_FIELD_DEFAULT = "key";

    /** The configuration definition, also the source of the generated documentation. */
    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(FIELDS_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Validators.fieldNames(), Importance.HIGH,
                    FIELDS_DOC, GROUP, 1, Width.LONG, "Fields to copy")
            .define(OVERWRITE_CONFIG, Type.BOOLEAN, OVERWRITE_DEFAULT, Importance.MEDIUM, OVERWRITE_DOC,
                    GROUP, 2, Width.SHORT, "Overwrite existing fields")
            .define(PRIMITIVE_KEY_FIELD_CONFIG, Type.STRING, PRIMITIVE_KEY_FIELD_DEFAULT,
                    new ConfigDef.NonEmptyStringWithoutControlChars(), Importance.LOW, PRIMITIVE_KEY_FIELD_DOC,
                    GROUP, 3, Width.SHORT, "Name of a primitive key");

    /** Cache key: the target's new schema depends on both sides' schemas. */
    private record SchemaPair(Schema source, Schema target) {
    }

    /** The side the fields are copied into; they come from the other one. */
    private final RecordSide into;
    private List<String> fields;
    private boolean overwrite;
    private String primitiveKeyField;
    private Cache<SchemaPair, Schema> schemaCache;

    protected CopyFields(RecordSide into) {
        this.into = into;
    }

    @Override
    public void configure(Map<String, ?> props) {
        AbstractConfig config = new AbstractConfig(CONFIG_DEF, props, false);
        fields = List.copyOf(config.getList(FIELDS_CONFIG));
        overwrite = config.getBoolean(OVERWRITE_CONFIG);
        primitiveKeyField = config.getString(PRIMITIVE_KEY_FIELD_CONFIG);
        // Few distinct schemas flow through one connector; the bound only guards against a stream of new ones.
        schemaCache = new SynchronizedCache<>(new LRUCache<>(16));
    }

    @Override
    public R apply(R record) {
        Object source = into.other().value(record);
        Object target = into.value(record);
        if (source == null || target == null) {
            return record;
        }
        Map<String, Object> copies = sourceValues(source);
        if (copies.isEmpty()) {
            return record;
        }
        Schema targetSchema = into.schema(record);
        return targetSchema == null
                ? applySchemaless(record, target, copies)
                : applyWithSchema(record, sourceSchema(record, source), targetSchema, target, copies);
    }

    /** The listed fields the source has, in the order of {@code fields}. */
    private Map<String, Object> sourceValues(Object source) {
        Map<String, Object> copies = new LinkedHashMap<>();
        if (source instanceof Struct struct) {
            for (String name : fields) {
                Field field = struct.schema().field(name);
                if (field != null) {
                    copies.put(name, StructValues.fieldValue(struct, field));
                }
            }
        } else if (source instanceof Map<?, ?> map) {
            for (String name : fields) {
                if (map.containsKey(name)) {
                    copies.put(name, map.get(name));
                }
            }
        } else if (into != RecordSide.VALUE) {
            throw new DataException(purpose() + " copies from a Struct or a Map, found " + StructValues.typeOf(source));
        } else if (fields.contains(primitiveKeyField)) {
            copies.put(primitiveKeyField, source);
        }
        return copies;
    }

    private R applySchemaless(R record, Object target, Map<String, Object> copies) {
        Map<String, Object> original = StructValues.requireMap(target, purpose());
        Map<String, Object> updated = new LinkedHashMap<>(original);
        copies.forEach((name, value) -> {
            if (!original.containsKey(name) || replaces(name, original.get(name), value)) {
                updated.put(name, value);
            }
        });
        return into.with(record, null, updated);
    }

    private R applyWithSchema(R record, Schema sourceSchema, Schema targetSchema, Object target,
                              Map<String, Object> copies) {
        Struct original = StructValues.requireStruct(target, purpose());
        SchemaPair key = new SchemaPair(sourceSchema, targetSchema);
        Schema updatedSchema = schemaCache.get(key);
        if (updatedSchema == null) {
            updatedSchema = updatedSchema(sourceSchema, targetSchema);
            schemaCache.put(key, updatedSchema);
        }
        Struct updated = new Struct(updatedSchema);
        for (Field field : updatedSchema.fields()) {
            Field existing = original.schema().field(field.name());
            Object existingValue = existing == null ? null : StructValues.fieldValue(original, existing);
            boolean copy = copies.containsKey(field.name())
                    && (existing == null || replaces(field.name(), existingValue, copies.get(field.name())));
            updated.put(field, copy ? copies.get(field.name()) : existingValue);
        }
        return into.with(record, updatedSchema, updated);
    }

    /**
     * For a field the target already has: whether the source's value replaces it. Without {@code overwrite}, an
     * equal value is left in place and a different one fails the record.
     */
    private boolean replaces(String name, Object existing, Object incoming) {
        if (overwrite) {
            return true;
        }
        if (!Objects.deepEquals(existing, incoming)) {
            throw new DataException(purpose() + ": field '" + name + "' is already in the " + into
                    + " with a different value; set " + OVERWRITE_CONFIG + "=true to replace it");
        }
        return false;
    }

    private Schema sourceSchema(R record, Object source) {
        // A Struct carries its own schema; anything else needs the record's, for the target's new fields.
        Schema schema = source instanceof Struct struct ? struct.schema() : into.other().schema(record);
        if (schema == null || schema.type() == Schema.Type.MAP) {
            throw new DataException(purpose() + " copies into a " + into + " with a schema, so it needs "
                    + "a Struct or a primitive with a schema to copy from, found "
                    + (schema == null ? "no schema" : StructValues.describe(schema)));
        }
        return schema;
    }

    private Schema updatedSchema(Schema sourceSchema, Schema targetSchema) {
        Map<String, Schema> copied = new LinkedHashMap<>();
        if (sourceSchema.type() == Schema.Type.STRUCT) {
            for (String name : fields) {
                Field field = sourceSchema.field(name);
                if (field != null) {
                    copied.put(name, field.schema());
                }
            }
        } else if (fields.contains(primitiveKeyField)) {
            copied.put(primitiveKeyField, sourceSchema);
        }
        SchemaBuilder builder = StructValues.structLike(targetSchema);
        for (Field field : targetSchema.fields()) {
            Schema replacement = overwrite ? copied.get(field.name()) : null;
            builder.field(field.name(), replacement != null ? replacement : field.schema());
        }
        copied.forEach((name, schema) -> {
            if (targetSchema.field(name) == null) {
                builder.field(name, schema);
            }
        });
        return builder.build();
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

    private String purpose() {
        return CopyFields.class.getSimpleName() + "$" + getClass().getSimpleName();
    }

    /** Copies fields of the value into the key. A value that is neither a Struct nor a Map fails the record. */
    public static class Key<R extends ConnectRecord<R>> extends CopyFields<R> {
        public Key() {
            super(RecordSide.KEY);
        }
    }

    /** Copies fields of the key, or a primitive key whole, into the value. */
    public static class Value<R extends ConnectRecord<R>> extends CopyFields<R> {
        public Value() {
            super(RecordSide.VALUE);
        }
    }
}
