package dev.segmentation.window.ingest;

import java.util.Map;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;

import dev.segmentation.events.EventType;
import dev.segmentation.window.serde.SchemaRegistry;

/** Builds the intake step for the topology, so the processor class itself can stay package-private. */
public final class Intake {

    private Intake() {
    }

    /**
     * The decode-and-check step.
     *
     * @param typesByTopic the event type of each input topic
     */
    public static FixedKeyProcessorSupplier<Bytes, byte[], Ingested> supplier(Map<String, EventType> typesByTopic,
                                                                             SchemaRegistry registry) {
        return () -> new EventIntake(typesByTopic, registry);
    }
}
