package dev.segmentation.window.ingest;

/** The six kinds of user event, each read from its own topic. */
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

    /** The topic the simulator writes these events to unless configured otherwise. */
    public String defaultTopic() {
        return defaultTopic;
    }

    /** The Avro record name, in namespace {@link EventSchemas#NAMESPACE}. */
    public String recordName() {
        return recordName;
    }

    /** A name for people, as in generated docs. */
    public String displayName() {
        return displayName;
    }
}
