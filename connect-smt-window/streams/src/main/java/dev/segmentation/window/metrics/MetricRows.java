package dev.segmentation.window.metrics;

import java.util.function.Consumer;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

import dev.segmentation.window.AggregateSchemas;
import dev.segmentation.window.Segment;

/** Builds the Avro key and rows of the windowed metric topics. */
final class MetricRows {

    static final String REGISTRATIONS = "registrations";
    static final String ACTIVE_USERS = "active_users";
    static final String SESSIONS = "sessions";
    static final String FUNNEL = "funnel";
    static final String REVENUE = "revenue";
    static final String LATE_EVENTS = "late_events";

    private MetricRows() {
    }

    static GenericRecord key(String metric, Segment segment, long windowStartMs) {
        GenericRecord key = new GenericData.Record(AggregateSchemas.SEGMENT_WINDOW_KEY);
        key.put("metric", metric);
        putSegment(key, segment);
        key.put("window_start", windowStartMs);
        return key;
    }

    static GenericRecord registrations(Segment segment, long start, long end, long emittedAt, long registrations) {
        return row(AggregateSchemas.SEGMENT_REGISTRATIONS, segment, start, end, emittedAt,
                row -> row.put("registrations", registrations));
    }

    static GenericRecord activeUsers(Segment segment, long start, long end, long emittedAt, long activeUsers) {
        return row(AggregateSchemas.SEGMENT_ACTIVE_USERS, segment, start, end, emittedAt,
                row -> row.put("active_users", activeUsers));
    }

    static GenericRecord sessions(Segment segment, long start, long end, long emittedAt, long sessions,
                                  long durationSumMs, long p95DurationMs) {
        return row(AggregateSchemas.SEGMENT_SESSIONS, segment, start, end, emittedAt, row -> {
            row.put("sessions", sessions);
            row.put("avg_duration_ms", (double) durationSumMs / sessions);
            row.put("p95_duration_ms", p95DurationMs);
        });
    }

    static GenericRecord funnel(Segment segment, long start, long end, long emittedAt, long viewers, long cartAdders,
                                long buyers) {
        return row(AggregateSchemas.SEGMENT_FUNNEL, segment, start, end, emittedAt, row -> {
            row.put("viewers", viewers);
            row.put("cart_adders", cartAdders);
            row.put("buyers", buyers);
            row.put("view_to_cart_rate", rate(cartAdders, viewers));
            row.put("cart_to_check_out_rate", rate(buyers, cartAdders));
            row.put("view_to_check_out_rate", rate(buyers, viewers));
        });
    }

    static GenericRecord revenue(Segment segment, long start, long end, long emittedAt, long revenueCents, long orders) {
        return row(AggregateSchemas.SEGMENT_REVENUE, segment, start, end, emittedAt, row -> {
            row.put("revenue_cents", revenueCents);
            row.put("orders", orders);
            row.put("average_order_cents", (double) revenueCents / orders);
        });
    }

    static GenericRecord lateEvents(Segment segment, long start, long end, long emittedAt, long lateEvents,
                                    long lateSessions) {
        return row(AggregateSchemas.SEGMENT_LATE_EVENTS, segment, start, end, emittedAt, row -> {
            row.put("late_events", lateEvents);
            row.put("late_sessions", lateSessions);
        });
    }

    private static Double rate(long numerator, long denominator) {
        return denominator == 0 ? null : (double) numerator / denominator;
    }

    private static GenericRecord row(Schema schema, Segment segment, long start, long end, long emittedAt,
                                     Consumer<GenericRecord> metrics) {
        GenericRecord row = new GenericData.Record(schema);
        row.put("window_start", start);
        row.put("window_end", end);
        putSegment(row, segment);
        metrics.accept(row);
        row.put("emitted_at", emittedAt);
        return row;
    }

    private static void putSegment(GenericRecord record, Segment segment) {
        record.put("age_band", segment.ageBand());
        record.put("preferred_language", segment.preferredLanguage());
        record.put("email_domain", segment.emailDomain());
    }
}
