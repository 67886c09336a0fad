package dev.segmentation.simulator.journey;

/**
 * How much imperfect data to mix in, so downstream grace periods, deduplication and dead-letter handling can
 * be tested. Each event falls into at most one category, so the fractions together must not exceed 1.
 *
 * @param lateFraction       share of events sent late: their event time is kept, their sending delayed
 * @param maxLatenessMs      the longest such delay
 * @param outOfOrderFraction share of events sent slightly after events that happened later
 * @param maxDisorderMs      the longest such delay
 * @param duplicateFraction  share of events sent twice, with the same event id
 * @param malformedFraction  share of events sent malformed
 */
public record Imperfections(double lateFraction, long maxLatenessMs, double outOfOrderFraction, long maxDisorderMs,
                            double duplicateFraction, double malformedFraction) {

    /** Perfect data. */
    public static final Imperfections NONE = new Imperfections(0, 0, 0, 0, 0, 0);

    public Imperfections {
        double total = lateFraction + outOfOrderFraction + duplicateFraction + malformedFraction;
        if (total > 1.0 + 1e-9) {
            throw new IllegalArgumentException("the fractions of late, out-of-order, duplicate and malformed events"
                    + " sum to " + total + ", more than 1");
        }
    }
}
