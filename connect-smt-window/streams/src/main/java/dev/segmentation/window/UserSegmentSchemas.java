package dev.segmentation.window;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;

/**
 * Avro schemas of the user segment topic: compacted, keyed by user id, so it always holds each user's latest
 * segments and a sink can upsert them into a user table.
 */
public final class UserSegmentSchemas {

    private static final Schema TIMESTAMP = LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
    private static final Schema OPTIONAL_TIMESTAMP = SchemaBuilder.unionOf().nullType().and().type(TIMESTAMP).endUnion();

    /** Key of the user segment topic. */
    public static final Schema KEY = SchemaBuilder.record("UserSegmentKey").namespace(AggregateSchemas.NAMESPACE)
            .doc("Identifies a user.")
            .fields()
            .name("user_id").doc("Id of the user, as in the events.").type().stringType().noDefault()
            .endRecord();

    /** A user's segments as of an event time. */
    public static final Schema VALUE = SchemaBuilder.record("UserSegment").namespace(AggregateSchemas.NAMESPACE)
            .doc("A user's lifecycle and value segment. A new row is written whenever either segment, the user's "
                    + "check-out count or their registration segment changes, on event time: a user who stays away "
                    + "moves from active to at_risk to dormant without an event of their own.")
            .fields()
            .name("user_id").doc("Id of the user.").type().stringType().noDefault()
            .name("age_band").doc("Age band from the registration, or 'unknown' before it is seen.").type().stringType().noDefault()
            .name("preferred_language").doc("Preferred language from the registration, or 'unknown'.").type().stringType().noDefault()
            .name("email_domain").doc("E-mail domain from the registration, or 'unknown'.").type().stringType().noDefault()
            .name("lifecycle_segment").doc("new (registered within segmentation.lifecycle.new.ms), active, at_risk "
                    + "(no event for segmentation.lifecycle.at.risk.after.ms) or dormant (none for "
                    + "segmentation.lifecycle.dormant.after.ms).").type().stringType().noDefault()
            .name("value_segment").doc("none (never checked out), lapsed (no check-out within "
                    + "segmentation.value.recency.ms), or for recent buyers high, medium or low: meeting both, one or "
                    + "neither of the bars segmentation.value.high.orders and segmentation.value.high.revenue.cents.")
                    .type().stringType().noDefault()
            .name("registered_at").doc("Event time of the registration, if seen.").type(OPTIONAL_TIMESTAMP).withDefault(null)
            .name("check_outs").doc("Check-outs so far (frequency).").type().intType().noDefault()
            .name("revenue_cents").doc("Sum of check-out totals so far, in cents (monetary value).").type().longType().noDefault()
            .name("last_check_out_at").doc("Event time of the latest check-out (recency), if any.").type(OPTIONAL_TIMESTAMP)
                    .withDefault(null)
            .name("as_of").doc("The stream time (event time) at which the segments were evaluated.").type(TIMESTAMP).noDefault()
            .endRecord();

    private UserSegmentSchemas() {
    }
}
