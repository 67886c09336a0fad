package dev.segmentation.window.users;

import java.util.Locale;

/**
 * A user's value as a buyer, from the recency, frequency and monetary value of their check-outs (RFM): recency
 * separates current buyers from lapsed ones, frequency and revenue grade the current ones.
 */
public enum ValueSegment {
    /** Never checked out. */
    NONE,
    /** Checked out recently, but below both the frequency and the revenue bar. */
    LOW,
    /** Checked out recently, and meets one of the two bars. */
    MEDIUM,
    /** Checked out recently, and meets both bars. */
    HIGH,
    /** Has checked out, but not within the recency threshold. */
    LAPSED;

    /** The value written to the user segment topic, such as {@code lapsed}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
