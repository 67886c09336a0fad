package dev.segmentation.window.ingest;

import org.apache.kafka.common.utils.Bytes;

import dev.segmentation.events.EventType;
import dev.segmentation.window.Segment;

/**
 * The parts of a decoded, valid event that the metrics and user segments need; everything else stays in the
 * input topic.
 *
 * @param type        what happened
 * @param timestampMs the event time, which is the record timestamp
 * @param userKey     the record key: the user id as UTF-8 bytes
 * @param eventId     {@code event_id} as UTF-8 bytes, the deduplication key
 * @param sessionId   {@code session_id}, or null for a registration
 * @param totalCents  {@code total_cents} of a check-out, otherwise 0
 * @param segment     the segment a registration puts its user in, otherwise null
 * @param value       the record's value as it arrived, for the dead-letter topic should the event expire on
 *                    arrival; null once the event waits for its place in the order, which keeps only what the
 *                    metrics need
 */
public record UserEvent(EventType type, long timestampMs, Bytes userKey, Bytes eventId, String sessionId,
                        long totalCents, Segment segment, byte[] value) implements Ingested {

    /** The same event without {@link #value}, as it waits for its place in the order. */
    public UserEvent withoutValue() {
        return value == null ? this
                : new UserEvent(type, timestampMs, userKey, eventId, sessionId, totalCents, segment, null);
    }
}
