package dev.segmentation.events;

/**
 * The six kinds of user event, each written to its own topic. A journey runs: registration (once per user), then
 * sessions of sign-in, item views, add-to-cart, check-out and, unless the session is abandoned, sign-out.
 */
public enum EventType {
    USER_REGISTRATION("user_registration", "UserRegistration", "Registration"),
    SIGN_IN("sign_in", "SignIn", "Sign-in"),
    SIGN_OUT("sign_out", "SignOut", "Sign-out"),
    ITEM_VIEW("item_view", "ItemView", "Item view"),
    ADD_TO_CART("add_to_cart", "AddToCart", "Add-to-cart"),
    CHECK_OUT("check_out", "CheckOut", "Check-out");

    private final String defaultTopic;
    private final String recordName;
    private final String displayName;

    EventType(String defaultTopic, String recordName, String displayName) {
        this.defaultTopic = defaultTopic;
        this.recordName = recordName;
        this.displayName = displayName;
    }

    /** The event's name in snake case: the topic the simulator writes it to and the stage reads it from by default. */
    public String defaultTopic() {
        return defaultTopic;
    }

    /** The Avro record name, in namespace {@link EventSchemaFiles#NAMESPACE}. */
    public String recordName() {
        return recordName;
    }

    /** A name for people, as in generated docs. */
    public String displayName() {
        return displayName;
    }
}
