package dev.segmentation.window.ingest;

import java.util.EnumMap;
import java.util.Map;

import org.apache.avro.Schema;

import dev.segmentation.events.EventSchemaFiles;
import dev.segmentation.events.EventType;

/**
 * The application's reader schemas of the six events: the shared {@code .avsc} files ({@link EventSchemaFiles}).
 * Records are decoded from whatever writer schema their registry id names into these, so a writer that adds an
 * optional field (a BACKWARD-compatible change) is read without a restart, and the extra field is simply not seen.
 */
public final class EventSchemas {

    private static final Map<EventType, Schema> READERS = parse();

    private EventSchemas() {
    }

    /** The reader schema of an event type. */
    public static Schema reader(EventType type) {
        return READERS.get(type);
    }

    private static Map<EventType, Schema> parse() {
        Map<EventType, Schema> schemas = new EnumMap<>(EventType.class);
        for (EventType type : EventType.values()) {
            schemas.put(type, new Schema.Parser().parse(EventSchemaFiles.json(type)));
        }
        return schemas;
    }
}
