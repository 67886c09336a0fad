package dev.segmentation.window.ingest;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import dev.segmentation.events.EventType;
import dev.segmentation.window.Segment;
import dev.segmentation.window.serde.SchemaRegistry;

/**
 * The first step of every input record: decode it, check it, and say what it is ({@link Ingested}).
 *
 * <p>Nothing here throws for bad data: undecodable bytes and invalid events come out as {@link Rejected}, with
 * dead-letter headers already on the record, so the application keeps running and the record is kept. Events too
 * old to deduplicate are told apart later, by the per-user stage, which knows each topic's clock.
 */
final class EventIntake implements FixedKeyProcessor<Bytes, byte[], Ingested> {

    private final Map<String, EventType> typesByTopic;
    private final EventDecoder decoder;
    private final Map<EventType, FieldPositions> positions = new HashMap<>();
    private FixedKeyProcessorContext<Bytes, Ingested> context;

    EventIntake(Map<String, EventType> typesByTopic, SchemaRegistry registry) {
        this.typesByTopic = typesByTopic;
        this.decoder = new EventDecoder(registry);
        for (EventType type : EventType.values()) {
            positions.put(type, new FieldPositions(EventSchemas.reader(type)));
        }
    }

    @Override
    public void init(FixedKeyProcessorContext<Bytes, Ingested> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<Bytes, byte[]> record) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        EventType type = typesByTopic.get(source.topic());
        byte[] value = record.value();
        if (value == null) {
            if (record.headers().lastHeader(Watermark.HEADER) != null) {
                context.forward(record.withValue(new Watermark(source.topic())));
            } else {
                reject(record, source, Rejected.Reason.INVALID, InvalidEventException.class.getName(),
                        "A null value without the " + Watermark.HEADER + " header is neither an event nor a watermark");
            }
            return;
        }
        GenericRecord event;
        try {
            event = decoder.decode(type, value);
        } catch (UndecodableEventException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            reject(record, source, Rejected.Reason.UNDECODABLE, cause.getClass().getName(), e.getMessage());
            return;
        }
        String problem = problem(event, positions.get(type), record.key());
        if (problem != null) {
            reject(record, source, Rejected.Reason.INVALID, InvalidEventException.class.getName(), problem);
            return;
        }
        context.forward(record.withValue(toUserEvent(type, event, positions.get(type), record)));
    }

    private static String problem(GenericRecord event, FieldPositions at, Bytes key) {
        Utf8 userId = (Utf8) event.get(at.userId);
        if (userId.getByteLength() == 0) {
            return "Empty user_id";
        }
        int schemaVersion = (Integer) event.get(at.schemaVersion);
        if (schemaVersion < 1) {
            return "schema_version " + schemaVersion + " marks a malformed event";
        }
        if (key == null || !sameBytes(key.get(), userId)) {
            return "The record key is not the event's user_id";
        }
        return null;
    }

    private static boolean sameBytes(byte[] key, Utf8 text) {
        return Arrays.equals(key, 0, key.length, text.getBytes(), 0, text.getByteLength());
    }

    private static UserEvent toUserEvent(EventType type, GenericRecord event, FieldPositions at,
                                         FixedKeyRecord<Bytes, byte[]> record) {
        Bytes eventId = Bytes.wrap(copy((Utf8) event.get(at.eventId)));
        String sessionId = at.sessionId < 0 ? null : event.get(at.sessionId).toString();
        long totalCents = at.totalCents < 0 ? 0 : (Long) event.get(at.totalCents);
        Segment segment = type == EventType.USER_REGISTRATION ? Segment.ofRegistration(event) : null;
        return new UserEvent(type, record.timestamp(), record.key(), eventId, sessionId, totalCents, segment,
                record.value());
    }

    private static byte[] copy(Utf8 text) {
        return Arrays.copyOf(text.getBytes(), text.getByteLength());
    }

    private void reject(FixedKeyRecord<Bytes, byte[]> record, RecordMetadata source, Rejected.Reason reason,
                        String exceptionClass, String message) {
        Rejected rejected = new Rejected(reason, exceptionClass, message, record.value());
        context.forward(record.withValue((Ingested) rejected)
                .withHeaders(DeadLetterHeaders.of(record.headers(), rejected, source)));
    }

    /** Where the fields the intake reads sit in a reader schema; -1 where the type has no such field. */
    private static final class FieldPositions {
        final int eventId;
        final int userId;
        final int schemaVersion;
        final int sessionId;
        final int totalCents;

        FieldPositions(Schema schema) {
            eventId = schema.getField("event_id").pos();
            userId = schema.getField("user_id").pos();
            schemaVersion = schema.getField("schema_version").pos();
            sessionId = position(schema, "session_id");
            totalCents = position(schema, "total_cents");
        }

        private static int position(Schema schema, String name) {
            Schema.Field field = schema.getField(name);
            return field == null ? -1 : field.pos();
        }
    }
}
