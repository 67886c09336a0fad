package dev.segmentation.window.ingest;

import java.util.Map;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;

import dev.segmentation.window.serde.SchemaRegistry;

/** Builds the intake step for the topology, so the processor class itself can stay package-private. */
public final class Intake {

    private Intake() {
    }

    /**
     * The decode-and-check step.
     *
     * @param typesByTopic the event type of each input topic
     * @param expiryMs     how far behind stream time an event may be and still be deduplicated
     */
    public static FixedKeyProcessorSupplier<Bytes, byte[], Ingested> supplier(Map<String, EventType> typesByTopic,
                                                                             SchemaRegistry registry, long expiryMs) {
        return () -> new EventIntake(typesByTopic, registry, expiryMs);
    }
}
