package dev.segmentation.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/**
 * The six event schemas as Avro schema files ({@code .avsc}) beside this class: the one definition of the events.
 * The simulator derives its Connect schemas from them, the Streams stage reads with them, and the tests build their
 * events from them. A change of the contract is a change of these files and of {@link #SCHEMA_VERSION}.
 *
 * <p>The text is handed out as it is, so that each side parses it with the library it already has: Avro in the
 * Streams stage, Jackson in the Connect plugins (whose worker has Jackson, but not Avro).
 */
public final class EventSchemaFiles {

    /** Avro namespace of every event record. */
    public static final String NAMESPACE = "dev.segmentation.events";
    /** The version every well-formed event carries in its {@code schema_version} field; malformed ones carry 0. */
    public static final int SCHEMA_VERSION = 1;

    private static final Map<EventType, String> FILES = load();

    private EventSchemaFiles() {
    }

    /** The Avro schema of the event type, as the JSON text of its {@code .avsc} file. */
    public static String json(EventType type) {
        return FILES.get(type);
    }

    private static Map<EventType, String> load() {
        Map<EventType, String> files = new EnumMap<>(EventType.class);
        for (EventType type : EventType.values()) {
            String resource = type.recordName() + ".avsc";
            try (InputStream in = EventSchemaFiles.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("Missing event schema " + resource + " beside "
                            + EventSchemaFiles.class.getName());
                }
                files.put(type, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read event schema " + resource, e);
            }
        }
        return files;
    }
}
