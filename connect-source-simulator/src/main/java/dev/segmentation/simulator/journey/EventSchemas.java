package dev.segmentation.simulator.journey;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Timestamp;

/**
 * Connect schemas of the simulated events. The converter turns them into Avro records whose full name is the
 * schema name below, registered under the topic's {@code -value} subject (TopicNameStrategy).
 *
 * <p>Money is in integer cents ({@code *_cents}): exact in every format and warehouse, unlike floating point.
 */
public final class EventSchemas {

    /** Avro namespace of every event record. */
    public static final String NAMESPACE = "dev.segmentation.events";
    /** Version stamped into every event's {@code schema_version} field; bump it with any schema change. */
    public static final int SCHEMA_VERSION = 1;

    /** Key of every event: the user id, so that one user's events stay ordered within a partition. */
    public static final Schema KEY = Schema.STRING_SCHEMA;

    public static final Schema USER_REGISTRATION = event("UserRegistration",
            "A user created an account. Exactly one per user, before any other event of that user.")
            .field("age", SchemaBuilder.int32().doc("Age in years at registration.").build())
            .field("email_masked", string("E-mail address with its local part masked."))
            .field("email_domain", string("Domain of the e-mail address."))
            .field("preferred_language", string("ISO 639-1 language code."))
            .field("country", string("ISO 3166-1 alpha-2 country code."))
            .field("acquisition_channel", string("Marketing channel that brought the user."))
            .field("device", string("Device used to register."))
            .build();

    public static final Schema SIGN_IN = event("SignIn", "A registered user started a session.")
            .field("session_id", string("Id of the session this sign-in opens."))
            .field("device", string("Device of the session."))
            .build();

    public static final Schema SIGN_OUT = event("SignOut",
            "A user ended a session. Sessions that are abandoned end without one.")
            .field("session_id", string("Id of the session this sign-out closes."))
            .build();

    public static final Schema ITEM_VIEW = event("ItemView", "A signed-in user looked at an item.")
            .field("session_id", string("Session in which the item was viewed."))
            .field("item_id", string("Id of the item."))
            .field("category", string("Catalog category of the item."))
            .field("price_cents", cents("Unit price of the item, in cents."))
            .build();

    public static final Schema ADD_TO_CART = event("AddToCart", "A user put a viewed item into the session's cart.")
            .field("session_id", string("Session the cart belongs to."))
            .field("cart_id", string("Id of the cart, created with its first item."))
            .field("item_id", string("Id of the item added."))
            .field("quantity", SchemaBuilder.int32().doc("Number of units added.").build())
            .field("price_cents", cents("Unit price of the item, in cents."))
            .build();

    public static final Schema CHECK_OUT = event("CheckOut", "A user paid for a cart.")
            .field("session_id", string("Session in which the cart was paid."))
            .field("cart_id", string("Id of the cart paid for."))
            .field("payment_method", string("How the user paid."))
            .field("item_count", SchemaBuilder.int32().doc("Units in the cart.").build())
            .field("total_cents", cents("Amount paid: the sum of quantity times unit price, in cents."))
            .build();

    /** The value schema of records that carry a malformed event to the malformed-events topic. */
    public static final Schema MALFORMED = Schema.STRING_SCHEMA;

    private EventSchemas() {
    }

    /** The schema of the given event type. */
    public static Schema of(EventType type) {
        return switch (type) {
            case USER_REGISTRATION -> USER_REGISTRATION;
            case SIGN_IN -> SIGN_IN;
            case SIGN_OUT -> SIGN_OUT;
            case ITEM_VIEW -> ITEM_VIEW;
            case ADD_TO_CART -> ADD_TO_CART;
            case CHECK_OUT -> CHECK_OUT;
        };
    }

    private static SchemaBuilder event(String name, String doc) {
        return SchemaBuilder.struct()
                .name(NAMESPACE + "." + name)
                .doc(doc)
                .version(SCHEMA_VERSION)
                .field("event_id", string("Unique id of the event, stable across restarts; duplicates repeat it."))
                .field("user_id", string("Id of the user the event belongs to; also the record key."))
                .field("event_time", Timestamp.builder().doc("When the event happened; also the record timestamp.").build())
                .field("schema_version", SchemaBuilder.int32().doc("Version of this event's schema.").build());
    }

    private static Schema string(String doc) {
        return SchemaBuilder.string().doc(doc).build();
    }

    private static Schema cents(String doc) {
        return SchemaBuilder.int64().doc(doc).build();
    }
}
