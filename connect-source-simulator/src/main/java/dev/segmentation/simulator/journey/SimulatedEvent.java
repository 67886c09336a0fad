package dev.segmentation.simulator.journey;

import org.apache.kafka.connect.data.Struct;

/**
 * One simulated event, ready to become a source record.
 *
 * @param type        what happened, which decides the topic
 * @param userId      the record key
 * @param eventTimeMs event time in epoch milliseconds, also the record timestamp
 * @param value       the event itself, with its Connect schema
 */
public record SimulatedEvent(EventType type, String userId, long eventTimeMs, Struct value) {
}
