package dev.segmentation.simulator.journey;

/**
 * The kinds of event a simulated user journey is made of, each written to its own topic.
 * A journey runs: registration (once per user), then sessions of sign-in, item views, add-to-cart,
 * check-out and, unless the session is abandoned, sign-out.
 */
public enum EventType {
    USER_REGISTRATION("user_registration"),
    SIGN_IN("sign_in"),
    SIGN_OUT("sign_out"),
    ITEM_VIEW("item_view"),
    ADD_TO_CART("add_to_cart"),
    CHECK_OUT("check_out");

    private final String defaultTopic;

    EventType(String defaultTopic) {
        this.defaultTopic = defaultTopic;
    }

    /** The event's name in snake case, which is also its default topic. */
    public String defaultTopic() {
        return defaultTopic;
    }
}
