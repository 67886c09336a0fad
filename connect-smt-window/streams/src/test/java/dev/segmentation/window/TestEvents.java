package dev.segmentation.window;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

import dev.segmentation.events.EventSchemaFiles;
import dev.segmentation.events.EventType;

/**
 * Input events as the simulator writes them, with the shared schemas of the event contract ({@link EventSchemaFiles},
 * which the simulator's own tests prove it writes) and field values built here, so that the tests do not depend on
 * the simulator's or the application's code. {@link #writerV2} adds an optional field, as a later,
 * BACKWARD-compatible version of the simulator would.
 */
final class TestEvents {

    static final long MINUTE = 60_000L;
    static final long HOUR = 60 * MINUTE;
    /** The start of most tests' simulated morning. */
    static final long T0 = Instant.parse("2026-03-02T08:00:00Z").toEpochMilli();

    static final String REGISTRATION = "user_registration";
    static final String SIGN_IN = "sign_in";
    static final String SIGN_OUT = "sign_out";
    static final String ITEM_VIEW = "item_view";
    static final String ADD_TO_CART = "add_to_cart";
    static final String CHECK_OUT = "check_out";
    static final List<String> TOPICS = List.of(REGISTRATION, SIGN_IN, SIGN_OUT, ITEM_VIEW, ADD_TO_CART, CHECK_OUT);

    private static final Map<String, Schema> WRITERS = Map.of(
            REGISTRATION, writer(REGISTRATION, false), SIGN_IN, writer(SIGN_IN, false),
            SIGN_OUT, writer(SIGN_OUT, false), ITEM_VIEW, writer(ITEM_VIEW, false),
            ADD_TO_CART, writer(ADD_TO_CART, false), CHECK_OUT, writer(CHECK_OUT, false));
    private static final Map<String, Schema> WRITERS_V2 = Map.of(
            REGISTRATION, writer(REGISTRATION, true), SIGN_IN, writer(SIGN_IN, true),
            SIGN_OUT, writer(SIGN_OUT, true), ITEM_VIEW, writer(ITEM_VIEW, true),
            ADD_TO_CART, writer(ADD_TO_CART, true), CHECK_OUT, writer(CHECK_OUT, true));

    static final Schema USER_REGISTRATION = WRITERS.get(REGISTRATION);

    private TestEvents() {
    }

    /** The schema the simulator writes events of a topic with. */
    static Schema writer(String topic) {
        return WRITERS.get(topic);
    }

    /** A later writer schema of the topic, with an extra optional field {@code campaign}. */
    static Schema writerV2(String topic) {
        return WRITERS_V2.get(topic);
    }

    /** The shared schema of the topic's events, with an extra optional field when asked. */
    private static Schema writer(String topic, boolean withCampaign) {
        EventType type = Arrays.stream(EventType.values()).filter(t -> t.defaultTopic().equals(topic)).findFirst()
                .orElseThrow();
        Schema shared = new Schema.Parser().parse(EventSchemaFiles.json(type));
        if (!withCampaign) {
            return shared;
        }
        List<Schema.Field> fields = new ArrayList<>();
        shared.getFields().forEach(field -> fields.add(new Schema.Field(field, field.schema())));
        fields.add(new Schema.Field("campaign", Schema.createUnion(Schema.create(Schema.Type.NULL),
                Schema.create(Schema.Type.STRING)), "The campaign that brought the event.", Schema.Field.NULL_DEFAULT_VALUE));
        return Schema.createRecord(shared.getName(), shared.getDoc(), shared.getNamespace(), false, fields);
    }

    /**
     * One event as the simulator describes it; the fields a type does not have are ignored.
     *
     * @param topic         which of the six event topics, which is the event type
     * @param schemaVersion 1, or 0 for a malformed event
     */
    record Event(String topic, String eventId, String userId, long timeMs, int schemaVersion, String sessionId,
                 int age, String language, String domain, long totalCents) {

        static Event registration(String eventId, String userId, long timeMs, int age, String language, String domain) {
            return new Event(REGISTRATION, eventId, userId, timeMs, 1, null, age, language, domain, 0);
        }

        static Event inSession(String topic, String eventId, String userId, long timeMs, String sessionId) {
            return new Event(topic, eventId, userId, timeMs, 1, sessionId, 0, null, null, 0);
        }

        static Event checkOut(String eventId, String userId, long timeMs, String sessionId, long totalCents) {
            return new Event(CHECK_OUT, eventId, userId, timeMs, 1, sessionId, 0, null, null, totalCents);
        }

        /** The same event sent malformed, as the simulator does: empty user id, schema version 0. */
        Event malformed() {
            return new Event(topic, eventId, "", timeMs, 0, sessionId, age, language, domain, totalCents);
        }

        GenericRecord toAvro(Schema writer) {
            GenericRecord record = new GenericData.Record(writer);
            record.put("event_id", eventId);
            record.put("user_id", userId);
            record.put("event_time", timeMs);
            record.put("schema_version", schemaVersion);
            switch (topic) {
                case REGISTRATION -> {
                    record.put("age", age);
                    record.put("email_masked", "x***@" + domain);
                    record.put("email_domain", domain);
                    record.put("preferred_language", language);
                    record.put("country", "DE");
                    record.put("acquisition_channel", "referral");
                    record.put("device", "desktop");
                }
                case SIGN_IN -> {
                    record.put("session_id", sessionId);
                    record.put("device", "mobile_ios");
                }
                case SIGN_OUT -> record.put("session_id", sessionId);
                case ITEM_VIEW -> {
                    record.put("session_id", sessionId);
                    record.put("item_id", "item-" + Math.floorMod(eventId.hashCode(), 500));
                    record.put("category", "books");
                    record.put("price_cents", 1_299L);
                }
                case ADD_TO_CART -> {
                    record.put("session_id", sessionId);
                    record.put("cart_id", "cart-" + sessionId);
                    record.put("item_id", "item-" + Math.floorMod(eventId.hashCode(), 500));
                    record.put("quantity", 1);
                    record.put("price_cents", 1_299L);
                }
                case CHECK_OUT -> {
                    record.put("session_id", sessionId);
                    record.put("cart_id", "cart-" + sessionId);
                    record.put("payment_method", "card");
                    record.put("item_count", 2);
                    record.put("total_cents", totalCents);
                }
                default -> throw new IllegalArgumentException("Unknown topic " + topic);
            }
            if (writer.getField("campaign") != null) {
                record.put("campaign", "spring-sale");
            }
            return record;
        }
    }

    /** A registration; the record timestamp is the event time. */
    record Registration(String userId, long eventTimeMs, int age, String language, String domain) {

        GenericRecord toAvro() {
            return Event.registration("e-" + userId, userId, eventTimeMs, age, language, domain).toAvro(USER_REGISTRATION);
        }
    }
}
