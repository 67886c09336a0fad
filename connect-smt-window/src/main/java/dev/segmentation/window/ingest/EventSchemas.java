package dev.segmentation.window.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;

import org.apache.avro.Schema;

/**
 * The application's own reader schemas of the six events, kept as {@code .avsc} files beside this class. Records
 * are decoded from whatever writer schema their registry id names into these, so a writer that adds an optional
 * field (a BACKWARD-compatible change) is read without a restart, and the extra field is simply not seen.
 */
public final class EventSchemas {

    /** Avro namespace of every event record. */
    public static final String NAMESPACE = "dev.segmentation.events";

    private static final Map<EventType, Schema> READERS = load();

    private EventSchemas() {
    }

    /** The reader schema of an event type. */
    public static Schema reader(EventType type) {
        return READERS.get(type);
    }

    private static Map<EventType, Schema> load() {
        Map<EventType, Schema> schemas = new EnumMap<>(EventType.class);
        for (EventType type : EventType.values()) {
            String resource = "/dev/segmentation/window/events/" + type.recordName() + ".avsc";
            try (InputStream in = EventSchemas.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("Missing reader schema " + resource);
                }
                schemas.put(type, new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read reader schema " + resource, e);
            }
        }
        return schemas;
    }
}
