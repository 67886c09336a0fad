package dev.segmentation.window.users;

import org.apache.avro.generic.GenericRecord;

/**
 * A new row for the user segment topic.
 *
 * @param key   a {@code UserSegmentKey}
 * @param value a {@code UserSegment}
 */
public record UserSegmentUpdate(GenericRecord key, GenericRecord value) {
}
