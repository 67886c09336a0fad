package dev.segmentation.window.transforms;

import java.util.Map;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/** The small pieces of record handling the transforms share. */
final class StructValues {

    private StructValues() {
    }

    /** The value as a {@link Struct}, or a {@link DataException} saying which transform needed one. */
    static Struct requireStruct(Object value, String purpose) {
        if (value instanceof Struct struct) {
            return struct;
        }
        throw new DataException(purpose + " needs a Struct when the record has a schema, found " + typeOf(value));
    }

    /** The value as a schemaless {@link Map}, or a {@link DataException} saying which transform needed one. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> requireMap(Object value, String purpose) {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new DataException(purpose + " needs a Map when the record has no schema, found " + typeOf(value));
    }

    /**
     * A struct builder with the name, version, doc, parameters and optional-ness of {@code schema}, and no fields.
     * Keeping the name and version lets a sink still recognise the record's type after fields changed.
     */
    static SchemaBuilder structLike(Schema schema) {
        SchemaBuilder builder = SchemaBuilder.struct().name(schema.name()).version(schema.version()).doc(schema.doc());
        if (schema.parameters() != null) {
            builder.parameters(schema.parameters());
        }
        return schema.isOptional() ? builder.optional() : builder;
    }

    /**
     * The field's value as the record holds it. {@link Struct#get(Field)} would turn a null in an optional field
     * into the field's default, so a null that means "unknown" would silently become a value; only a required
     * field, which cannot hold null, falls back to its default. Looked up by name, so a field of an equal schema
     * built elsewhere works too.
     */
    static Object fieldValue(Struct struct, Field field) {
        Object value = struct.getWithoutDefault(field.name());
        return value == null && !field.schema().isOptional() ? struct.get(field.name()) : value;
    }

    /** The schema's type for messages: {@code int64}, or {@code int64 (a.logical.Name)} when it has a name. */
    static String describe(Schema schema) {
        String type = schema.type().getName();
        return schema.name() == null ? type : type + " (" + schema.name() + ")";
    }

    static String typeOf(Object value) {
        return value == null ? "null" : value.getClass().getName();
    }
}
