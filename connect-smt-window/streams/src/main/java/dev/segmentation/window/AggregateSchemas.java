package dev.segmentation.window;

import java.util.function.Consumer;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaBuilder.FieldAssembler;

/**
 * Avro schemas of the windowed metric topics. Each metric has its own topic and row schema; all share the key
 * {@code (metric, segment, window_start)}, so that a sink upserts one row per window and segment, and a replay
 * rewrites the same rows. Every row repeats the window and the segment, so the value alone is a complete row.
 *
 * <p>Segments are (age band, preferred language, e-mail domain). Besides the real segments there are two more:
 * {@code all} in every field for the total over all users, and {@code unknown} for users whose registration has
 * not been seen. Windowed rows are final: one per window and segment, emitted once stream time passes the
 * window's end plus the grace period, and only for windows where the metric's count is not zero.
 */
public final class AggregateSchemas {

    /** Avro namespace of the aggregate records. */
    public static final String NAMESPACE = "dev.segmentation.aggregates";

    private static final Schema TIMESTAMP = LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
    private static final Schema OPTIONAL_DOUBLE = SchemaBuilder.unionOf().nullType().and().doubleType().endUnion();

    /** Key of every windowed row, the late event counts included. */
    public static final Schema SEGMENT_WINDOW_KEY = SchemaBuilder.record("SegmentWindowKey").namespace(NAMESPACE)
            .doc("Identifies one metric of one segment in one window.")
            .fields()
            .name("metric").doc("registrations, active_users, sessions, funnel, revenue or late_events.")
                    .type().stringType().noDefault()
            .name("age_band").doc("Age band of the segment, such as 25-34; 'all' for the total, 'unknown' for users "
                    + "without a registration seen.").type().stringType().noDefault()
            .name("preferred_language").doc("Preferred language of the segment (ISO 639-1), or 'all' or 'unknown'.")
                    .type().stringType().noDefault()
            .name("email_domain").doc("E-mail domain of the segment, or 'all' or 'unknown'.")
                    .type().stringType().noDefault()
            .name("window_start").doc("Inclusive start of the window.").type(TIMESTAMP).noDefault()
            .endRecord();

    /** Registrations per segment and window. */
    public static final Schema SEGMENT_REGISTRATIONS = windowRow("SegmentRegistrations",
            "Users who registered in the window, per segment.",
            fields -> fields.name("registrations").doc("Number of registrations.").type().longType().noDefault());

    /** Active users per segment and window. */
    public static final Schema SEGMENT_ACTIVE_USERS = windowRow("SegmentActiveUsers",
            "Distinct users who signed in during the window, per segment.",
            fields -> fields.name("active_users").doc("Number of distinct users with at least one sign-in in the window.")
                    .type().longType().noDefault());

    /** Sessions per segment and window. */
    public static final Schema SEGMENT_SESSIONS = windowRow("SegmentSessions",
            "Sessions that ended in the window, per segment. A session ends at its sign-out, or without one at "
                    + "segmentation.session.timeout.ms after its last event; it belongs to the windows of that end. "
                    + "Its duration runs from sign-in to sign-out, or to its last event when it timed out.",
            fields -> fields
                    .name("sessions").doc("Number of sessions that ended in the window.").type().longType().noDefault()
                    .name("avg_duration_ms").doc("Mean session duration, in milliseconds.").type().doubleType().noDefault()
                    .name("p95_duration_ms").doc("95th percentile of session duration, in milliseconds, by the "
                            + "nearest-rank method (an actual duration, exact).").type().longType().noDefault());

    /** The purchase funnel per segment and window. */
    public static final Schema SEGMENT_FUNNEL = windowRow("SegmentFunnel",
            "Distinct users at each step of the purchase funnel during the window, per segment. Each step is "
                    + "counted on its own, so a user who viewed before the window and added to cart in it counts as "
                    + "a cart adder only, and a rate can exceed 1.",
            fields -> fields
                    .name("viewers").doc("Distinct users who viewed an item.").type().longType().noDefault()
                    .name("cart_adders").doc("Distinct users who added an item to a cart.").type().longType().noDefault()
                    .name("buyers").doc("Distinct users who checked out.").type().longType().noDefault()
                    .name("view_to_cart_rate").doc("cart_adders / viewers; null without viewers.")
                            .type(OPTIONAL_DOUBLE).withDefault(null)
                    .name("cart_to_check_out_rate").doc("buyers / cart_adders; null without cart adders.")
                            .type(OPTIONAL_DOUBLE).withDefault(null)
                    .name("view_to_check_out_rate").doc("buyers / viewers; null without viewers.")
                            .type(OPTIONAL_DOUBLE).withDefault(null));

    /** Revenue per segment and window. */
    public static final Schema SEGMENT_REVENUE = windowRow("SegmentRevenue",
            "Check-outs during the window, per segment.",
            fields -> fields
                    .name("revenue_cents").doc("Sum of check-out totals, in cents.").type().longType().noDefault()
                    .name("orders").doc("Number of check-outs.").type().longType().noDefault()
                    .name("average_order_cents").doc("revenue_cents / orders: the average order value, in cents.")
                            .type().doubleType().noDefault());

    /** Late arrivals per segment and window. */
    public static final Schema SEGMENT_LATE_EVENTS = windowRow("SegmentLateEvents",
            "What belonged to the window but arrived after its final rows had been emitted (stream time past its "
                    + "end plus grace), per segment. Not part of any other row. This row is a running count: a new "
                    + "version is written with each late arrival, and the latest one holds the total.",
            fields -> fields
                    .name("late_events").doc("Input events of the window that arrived after it closed.")
                            .type().longType().noDefault()
                    .name("late_sessions").doc("Sessions ending in the window that arrived after it closed.")
                            .type().longType().noDefault());

    private AggregateSchemas() {
    }

    private static Schema windowRow(String name, String doc, Consumer<FieldAssembler<Schema>> metricFields) {
        FieldAssembler<Schema> fields = SchemaBuilder.record(name).namespace(NAMESPACE).doc(doc).fields()
                .name("window_start").doc("Inclusive start of the window.").type(TIMESTAMP).noDefault()
                .name("window_end").doc("Exclusive end of the window.").type(TIMESTAMP).noDefault()
                .name("age_band").doc("Age band of the segment, such as 25-34, or 'all' or 'unknown'.")
                        .type().stringType().noDefault()
                .name("preferred_language").doc("Preferred language of the segment, or 'all' or 'unknown'.")
                        .type().stringType().noDefault()
                .name("email_domain").doc("E-mail domain of the segment, or 'all' or 'unknown'.")
                        .type().stringType().noDefault();
        metricFields.accept(fields);
        return fields.name("emitted_at").doc("Wall-clock time at which the application wrote this row.")
                .type(TIMESTAMP).noDefault()
                .endRecord();
    }
}
