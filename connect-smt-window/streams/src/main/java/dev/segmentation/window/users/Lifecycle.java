package dev.segmentation.window.users;

import java.util.Locale;

/** Where a user stands in their life with the product, judged on event time. */
public enum Lifecycle {
    /** Registered less than the new-user period ago. */
    NEW,
    /** Past the new-user period, with an event within the at-risk threshold. */
    ACTIVE,
    /** No event for longer than the at-risk threshold. */
    AT_RISK,
    /** No event for longer than the dormant threshold. */
    DORMANT;

    /** The value written to the user segment topic, such as {@code at_risk}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
