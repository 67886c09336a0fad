package dev.segmentation.simulator.journey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Timestamp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.segmentation.events.EventSchemaFiles;
import dev.segmentation.events.EventType;

/**
 * Connect schemas of the simulated events, derived from the shared {@code .avsc} files ({@link EventSchemaFiles}),
 * the one definition of the events. A converter turns them back into the same Avro schemas: record names, field
 * names, types and docs all come from the files.
 *
 * <p>The files use a handful of Avro types, and only those are translated: {@code string}, {@code int},
 * {@code long} and {@code long} as {@code timestamp-millis}. A file that uses another fails loudly at class load,
 * naming the field, rather than writing events of a schema nobody meant.
 *
 * <p>Money is in integer cents ({@code *_cents}): exact in every format and warehouse, unlike floating point.
 */
public final class EventSchemas {

    /** Version stamped into every event's {@code schema_version} field. */
    public static final int SCHEMA_VERSION = EventSchemaFiles.SCHEMA_VERSION;

    /** Key of every event: the user id, so that one user's events stay ordered within a partition. */
    public static final Schema KEY = Schema.STRING_SCHEMA;

    /** The value schema of records that carry a malformed event to the malformed-events topic. */
    public static final Schema MALFORMED = Schema.STRING_SCHEMA;

    private static final Map<EventType, Schema> SCHEMAS = derive();

    public static final Schema USER_REGISTRATION = of(EventType.USER_REGISTRATION);
    public static final Schema SIGN_IN = of(EventType.SIGN_IN);
    public static final Schema SIGN_OUT = of(EventType.SIGN_OUT);
    public static final Schema ITEM_VIEW = of(EventType.ITEM_VIEW);
    public static final Schema ADD_TO_CART = of(EventType.ADD_TO_CART);
    public static final Schema CHECK_OUT = of(EventType.CHECK_OUT);

    private EventSchemas() {
    }

    /** The schema of the given event type. */
    public static Schema of(EventType type) {
        return SCHEMAS.get(type);
    }

    private static Map<EventType, Schema> derive() {
        ObjectMapper json = new ObjectMapper();
        Map<EventType, Schema> schemas = new EnumMap<>(EventType.class);
        for (EventType type : EventType.values()) {
            try {
                schemas.put(type, struct(json.readTree(EventSchemaFiles.json(type))));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the schema of " + type.recordName(), e);
            }
        }
        return schemas;
    }

    private static Schema struct(JsonNode record) {
        SchemaBuilder struct = SchemaBuilder.struct()
                .name(record.path("namespace").asText() + "." + record.path("name").asText())
                .doc(record.path("doc").asText())
                .version(SCHEMA_VERSION);
        for (JsonNode field : record.path("fields")) {
            String name = field.path("name").asText();
            struct.field(name, fieldSchema(record.path("name").asText() + "." + name, field.path("type"))
                    .doc(field.path("doc").asText()).build());
        }
        return struct.build();
    }

    private static SchemaBuilder fieldSchema(String path, JsonNode type) {
        if (type.isObject() && "long".equals(type.path("type").asText())
                && "timestamp-millis".equals(type.path("logicalType").asText())) {
            return Timestamp.builder();
        }
        return switch (type.asText()) {
            case "string" -> SchemaBuilder.string();
            case "int" -> SchemaBuilder.int32();
            case "long" -> SchemaBuilder.int64();
            default -> throw new IllegalStateException("Event field " + path + " has Avro type " + type
                    + ", which the simulator does not translate: use string, int, long or timestamp-millis, or "
                    + "teach EventSchemas the new type.");
        };
    }
}
