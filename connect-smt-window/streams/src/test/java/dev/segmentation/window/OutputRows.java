package dev.segmentation.window;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;

import dev.segmentation.window.ExpectedMetrics.DeadLetter;
import dev.segmentation.window.ExpectedMetrics.WindowKey;

/** Reads the output topics into the shapes {@link ExpectedMetrics} computes, checking the row format on the way. */
final class OutputRows {

    private OutputRows() {
    }

    /**
     * The final rows of a windowed metric topic by window and segment, each checked for a key that matches the row
     * and for being the only row of its window and segment.
     */
    static <T> Map<WindowKey, T> windowed(List<TestRecord<GenericRecord, GenericRecord>> records, String metric,
                                          long sizeMs, Function<GenericRecord, T> values) {
        Map<WindowKey, T> rows = new HashMap<>();
        for (TestRecord<GenericRecord, GenericRecord> record : records) {
            WindowKey key = checkedKey(record, metric, sizeMs);
            assertThat(rows.put(key, values.apply(record.value()))).as("one final row per window and segment: %s", key)
                    .isNull();
        }
        return rows;
    }

    /** The latest row per window and segment of a running-count topic, checking that counts only grow. */
    static <T extends Comparable<T>> Map<WindowKey, T> latest(List<TestRecord<GenericRecord, GenericRecord>> records,
                                                             String metric, long sizeMs,
                                                             Function<GenericRecord, T> values) {
        Map<WindowKey, T> rows = new HashMap<>();
        for (TestRecord<GenericRecord, GenericRecord> record : records) {
            WindowKey key = checkedKey(record, metric, sizeMs);
            T value = values.apply(record.value());
            T before = rows.put(key, value);
            if (before != null) {
                assertThat(value).as("running count of %s", key).isGreaterThan(before);
            }
        }
        return rows;
    }

    private static WindowKey checkedKey(TestRecord<GenericRecord, GenericRecord> record, String metric, long sizeMs) {
        GenericRecord key = record.key();
        GenericRecord value = record.value();
        WindowKey windowKey = new WindowKey(value.get("age_band").toString(), value.get("preferred_language").toString(),
                value.get("email_domain").toString(), (Long) value.get("window_start"));
        assertThat(key.get("metric").toString()).isEqualTo(metric);
        assertThat(new WindowKey(key.get("age_band").toString(), key.get("preferred_language").toString(),
                key.get("email_domain").toString(), (Long) key.get("window_start"))).isEqualTo(windowKey);
        assertThat((Long) value.get("window_end")).isEqualTo(windowKey.windowStart() + sizeMs);
        assertThat(value.get("emitted_at")).isEqualTo(SegmentationHarness.EMIT_CLOCK.millis());
        return windowKey;
    }

    /** The last row per user of the user segment topic, checking that consecutive rows of a user differ. */
    static Map<String, ExpectedMetrics.UserRow> userSegments(List<TestRecord<GenericRecord, GenericRecord>> records) {
        Map<String, ExpectedMetrics.UserRow> rows = new HashMap<>();
        for (TestRecord<GenericRecord, GenericRecord> record : records) {
            GenericRecord value = record.value();
            String userId = record.key().get("user_id").toString();
            assertThat(value.get("user_id").toString()).isEqualTo(userId);
            ExpectedMetrics.UserRow row = new ExpectedMetrics.UserRow(value.get("age_band").toString(),
                    value.get("preferred_language").toString(), value.get("email_domain").toString(),
                    value.get("lifecycle_segment").toString(), value.get("value_segment").toString(),
                    (Long) value.get("registered_at"), (Integer) value.get("check_outs"),
                    (Long) value.get("revenue_cents"), (Long) value.get("last_check_out_at"));
            assertThat(rows.put(userId, row)).as("a new row for %s only when something changed", userId).isNotEqualTo(row);
        }
        return rows;
    }

    /** Topic, offset and reason of each dead letter, checking that every header is there. */
    static List<DeadLetter> deadLetters(List<TestRecord<byte[], byte[]>> records) {
        List<DeadLetter> letters = new ArrayList<>();
        for (TestRecord<byte[], byte[]> record : records) {
            Map<String, String> headers = headers(record);
            assertThat(headers).containsKeys("segmentation.dlq.reason", "segmentation.dlq.exception.class",
                    "segmentation.dlq.exception.message", "segmentation.dlq.source.topic",
                    "segmentation.dlq.source.partition", "segmentation.dlq.source.offset");
            assertThat(headers.get("segmentation.dlq.exception.class")).isNotBlank();
            assertThat(headers.get("segmentation.dlq.exception.message")).isNotBlank();
            assertThat(headers.get("segmentation.dlq.source.partition")).isEqualTo("0");
            letters.add(new DeadLetter(headers.get("segmentation.dlq.source.topic"),
                    Long.parseLong(headers.get("segmentation.dlq.source.offset")), headers.get("segmentation.dlq.reason")));
        }
        return letters;
    }

    static Map<String, String> headers(TestRecord<?, ?> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }
}
