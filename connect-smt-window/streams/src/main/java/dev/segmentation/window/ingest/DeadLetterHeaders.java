package dev.segmentation.window.ingest;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The headers a dead-letter record carries on top of its original ones, all UTF-8 strings, so that an operator can
 * see why it was rejected and replay it from where it came.
 */
public final class DeadLetterHeaders {

    /** {@code undecodable}, {@code invalid} or {@code expired}; see {@link Rejected.Reason}. */
    public static final String REASON = "segmentation.dlq.reason";
    /** The class of the exception that describes the problem. */
    public static final String EXCEPTION_CLASS = "segmentation.dlq.exception.class";
    /** What exactly is wrong. */
    public static final String EXCEPTION_MESSAGE = "segmentation.dlq.exception.message";
    /** The input topic the record was read from. */
    public static final String SOURCE_TOPIC = "segmentation.dlq.source.topic";
    /** Its partition, in decimal. */
    public static final String SOURCE_PARTITION = "segmentation.dlq.source.partition";
    /** Its offset, in decimal. */
    public static final String SOURCE_OFFSET = "segmentation.dlq.source.offset";

    private DeadLetterHeaders() {
    }

    /** The original headers with the dead-letter headers added. */
    public static Headers of(Headers original, Rejected rejected, RecordMetadata source) {
        Headers headers = new RecordHeaders(original.toArray());
        add(headers, REASON, rejected.reason().headerValue());
        add(headers, EXCEPTION_CLASS, rejected.exceptionClass());
        add(headers, EXCEPTION_MESSAGE, rejected.message());
        add(headers, SOURCE_TOPIC, source.topic());
        add(headers, SOURCE_PARTITION, Integer.toString(source.partition()));
        add(headers, SOURCE_OFFSET, Long.toString(source.offset()));
        return headers;
    }

    private static void add(Headers headers, String key, String value) {
        headers.add(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}
