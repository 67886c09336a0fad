package dev.segmentation.simulator.journey;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Timestamp;

/**
 * Connect schemas of the simulated events. The converter turns them into Avro records whose full name is the
 * schema name below, registered under the topic's {@code -value} subject.
 */
public final class EventSchemas {

    /** Avro namespace of every event record. */
    public static final String NAMESPACE = "dev.segmentation.events";
    /** Version stamped into every event's {@code schema_version} field; bump it with any schema change. */
    public static final int SCHEMA_VERSION = 1;

    /** Key of every event: the user id, so that one user's events stay ordered within a partition. */
    public static final Schema KEY = Schema.STRING_SCHEMA;

    public static final Schema USER_REGISTRATION = common(SchemaBuilder.struct()
            .name(NAMESPACE + ".UserRegistration")
            .doc("A user created an account. Exactly one per user, before any other event of that user."))
            .field("age", SchemaBuilder.int32().doc("Age in years at registration.").build())
            .field("email_masked", SchemaBuilder.string().doc("E-mail address with its local part masked.").build())
            .field("email_domain", SchemaBuilder.string().doc("Domain of the e-mail address.").build())
            .field("preferred_language", SchemaBuilder.string().doc("ISO 639-1 language code.").build())
            .field("country", SchemaBuilder.string().doc("ISO 3166-1 alpha-2 country code.").build())
            .field("acquisition_channel", SchemaBuilder.string().doc("Marketing channel that brought the user.").build())
            .field("device", SchemaBuilder.string().doc("Device used to register.").build())
            .version(SCHEMA_VERSION)
            .build();

    private EventSchemas() {
    }

    private static SchemaBuilder common(SchemaBuilder builder) {
        return builder
                .field("event_id", SchemaBuilder.string().doc("Unique id of the event, stable across restarts.").build())
                .field("user_id", SchemaBuilder.string().doc("Id of the user the event belongs to.").build())
                .field("event_time", Timestamp.builder().doc("When the event happened; also the record timestamp.").build())
                .field("schema_version", SchemaBuilder.int32().doc("Version of this event's schema.").build());
    }
}
