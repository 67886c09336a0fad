package dev.segmentation.window.ingest;

/**
 * What the intake makes of one input record: a {@link UserEvent} to count, a {@link Watermark} that only moves
 * event time, or a {@link Rejected} record bound for the dead-letter topic.
 */
public sealed interface Ingested permits UserEvent, Watermark, Rejected {
}
