package dev.segmentation.window;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;

/**
 * Avro schemas of the aggregate topics. Keys are {@code (metric, segment, window_start)} so that a sink upserts
 * one row per window and segment, and a replay rewrites the same rows.
 */
public final class AggregateSchemas {

    /** Avro namespace of the aggregate records. */
    public static final String NAMESPACE = "dev.segmentation.aggregates";

    private static final Schema TIMESTAMP = LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));

    /** Key of every aggregate row. */
    public static final Schema SEGMENT_WINDOW_KEY = SchemaBuilder.record("SegmentWindowKey").namespace(NAMESPACE)
            .doc("Identifies one metric of one segment in one window.")
            .fields()
            .requiredString("metric")
            .requiredString("age_band")
            .requiredString("preferred_language")
            .requiredString("email_domain")
            .name("window_start").doc("Inclusive start of the window.").type(TIMESTAMP).noDefault()
            .endRecord();

    /** Registrations per segment and window. */
    public static final Schema SEGMENT_REGISTRATIONS = SchemaBuilder.record("SegmentRegistrations").namespace(NAMESPACE)
            .doc("Users who registered in the window, per segment; one final row per window and segment.")
            .fields()
            .name("window_start").doc("Inclusive start of the window.").type(TIMESTAMP).noDefault()
            .name("window_end").doc("Exclusive end of the window.").type(TIMESTAMP).noDefault()
            .requiredString("age_band")
            .requiredString("preferred_language")
            .requiredString("email_domain")
            .name("registrations").doc("Number of registrations.").type().longType().noDefault()
            .name("emitted_at").doc("When the application emitted this final row.").type(TIMESTAMP).noDefault()
            .endRecord();

    private AggregateSchemas() {
    }
}
