package dev.segmentation.simulator.journey;

import org.apache.kafka.connect.data.Struct;

import dev.segmentation.events.EventType;

/**
 * One event, ready to become a source record.
 *
 * @param position    when it is sent and its place in the output order
 * @param type        what happened, which decides the topic
 * @param userId      the record key
 * @param eventTimeMs when it happened, the record timestamp; earlier than the sending time for late events
 * @param value       the event with its Connect schema
 * @param malformed   whether it must be sent malformed
 */
public record PlannedEvent(Position position, EventType type, String userId, long eventTimeMs, Struct value,
                           boolean malformed) implements Comparable<PlannedEvent> {

    /** Sending order. */
    @Override
    public int compareTo(PlannedEvent other) {
        return position.compareTo(other.position);
    }

    public String eventId() {
        return value.getString("event_id");
    }
}
