package dev.segmentation.window;

import dev.segmentation.window.TestEvents.Event;

/**
 * One record as it arrives on an input topic, in arrival order.
 *
 * @param kind        what the record holds
 * @param topic       input topic
 * @param key         record key (the user id, except for watermarks)
 * @param event       the event, for {@link Kind#EVENT}
 * @param timestampMs record timestamp: the event time, or the watermark's time
 * @param evolved     whether the event is written with the later writer schema (an extra optional field)
 */
record Arrival(Kind kind, String topic, String key, Event event, long timestampMs, boolean evolved) {

    enum Kind {
        /** An Avro event in the Confluent wire format. */
        EVENT,
        /** A watermark heartbeat: null value, header segmentation.watermark. */
        WATERMARK,
        /** Bytes that are not Avro in the Confluent wire format at all. */
        GARBAGE,
        /** Confluent wire format naming a schema id the registry does not have. */
        UNKNOWN_SCHEMA,
        /** A null value without the watermark header. */
        NULL_VALUE
    }

    static Arrival event(Event event) {
        return new Arrival(Kind.EVENT, event.topic(), event.userId().isEmpty() ? null : event.userId(), event,
                event.timeMs(), false);
    }

    static Arrival event(Event event, String key, boolean evolved) {
        return new Arrival(Kind.EVENT, event.topic(), key, event, event.timeMs(), evolved);
    }

    static Arrival watermark(String topic, long timestampMs) {
        return new Arrival(Kind.WATERMARK, topic, "__watermark__", null, timestampMs, false);
    }

    static Arrival broken(Kind kind, String topic, String key, long timestampMs) {
        return new Arrival(kind, topic, key, null, timestampMs, false);
    }
}
