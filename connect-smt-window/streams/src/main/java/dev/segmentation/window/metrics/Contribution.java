package dev.segmentation.window.metrics;

/**
 * What one event (or one ended session) adds to the windows of its segment, which the per-user stage folds into
 * its {@link Partial}s; or what the per-user stage sends the windows beside them, keyed by segment, with the event
 * time as its record timestamp: a late event, a watermark, a progress tick.
 *
 * <p>Distinct users are counted without sets: the per-user stage, which sees all of a user's events, marks in
 * {@code firstVisits} the windows in which this is the user's first event of its kind, and the windows only add
 * those marks up. Bit {@code i} stands for the window {@code i} advances before the latest the event falls in.
 *
 * @param kind        what happened
 * @param origin      the input partition it comes from, so the window stage can wait for every upstream partition
 * @param firstVisits the windows where the user is new to this kind of event, by age (distinct kinds only)
 * @param amount      check-out total in cents, or session duration in milliseconds; 0 otherwise
 */
public record Contribution(Kind kind, int origin, long firstVisits, long amount) {

    /** The kinds of contribution. The order is the wire format: append only. */
    public enum Kind {
        REGISTRATION(-1, true),
        SIGN_IN(0, true),
        SIGN_OUT(-1, true),
        ITEM_VIEW(1, true),
        ADD_TO_CART(2, true),
        CHECK_OUT(3, true),
        /** A session ended, at its sign-out or at its timeout; {@code amount} is its duration. */
        SESSION_END(-1, false),
        /** A watermark from an upstream partition, sent to every partition of the window stage. */
        WATERMARK(-1, false),
        /** Moves the windows' stream time and nothing else; made by the window stage itself, never sent. */
        CLOCK(-1, false),
        /**
         * How far in event time an upstream partition has got, sent to every partition of the window stage so that
         * {@link OriginAlignment} hears from every upstream partition; never reaches the windows.
         */
        PROGRESS(-1, false),
        /**
         * An event that arrived too late to take its place in event-time order; counted in the late events of each of
         * its windows and nowhere else.
         */
        LATE(-1, true);

        /** Number of distinct-user metrics: active users, viewers, cart adders, buyers. */
        public static final int DISTINCT_METRICS = 4;
        private static final Kind[] VALUES = values();

        private final int distinctMetric;
        private final boolean inputEvent;

        Kind(int distinctMetric, boolean inputEvent) {
            this.distinctMetric = distinctMetric;
            this.inputEvent = inputEvent;
        }

        /** Which distinct-user metric this kind counts, or -1. */
        public int distinctMetric() {
            return distinctMetric;
        }

        /** Whether it stands for one input event, which the late-event count counts. */
        public boolean isInputEvent() {
            return inputEvent;
        }

        static Kind of(int ordinal) {
            return VALUES[ordinal];
        }
    }

    /** The contribution that moves the windows' clock. */
    public static final Contribution CLOCK = new Contribution(Kind.CLOCK, -1, 0, 0);

    public static Contribution watermark(int origin) {
        return new Contribution(Kind.WATERMARK, origin, 0, 0);
    }

    /**
     * An upstream partition's progress tick; its record timestamp is the largest event time that partition has
     * handled.
     */
    public static Contribution progress(int origin) {
        return new Contribution(Kind.PROGRESS, origin, 0, 0);
    }
}
