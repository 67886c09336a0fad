package dev.segmentation.simulator;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;

import dev.segmentation.events.WireFormat;
import dev.segmentation.events.registry.RegistrySettings;
import dev.segmentation.events.registry.SchemaRegistryClient;

/**
 * Decodes record values written in Confluent's wire format (magic byte 0, 4-byte schema id, Avro binary) by
 * fetching each writer schema from the registry, as any consumer would: with Avro's own reader, independent of the
 * converter that wrote them.
 */
final class ConfluentWireFormat {

    private final SchemaRegistryClient registry;
    private final Map<Integer, Schema> schemas = new HashMap<>();

    ConfluentWireFormat(String registryUrl) {
        this.registry = new SchemaRegistryClient(RegistrySettings.of(registryUrl));
    }

    /** The schema id of a value, after checking the magic byte. */
    static int schemaId(byte[] value) {
        if (!WireFormat.isFramed(value)) {
            throw new IllegalArgumentException("not in Confluent wire format: magic byte is not 0");
        }
        return WireFormat.schemaId(value);
    }

    GenericRecord decode(byte[] value) throws IOException {
        Schema schema = writerSchema(schemaId(value));
        return new GenericDatumReader<GenericRecord>(schema).read(null, DecoderFactory.get()
                .binaryDecoder(value, WireFormat.HEADER_SIZE, value.length - WireFormat.HEADER_SIZE, null));
    }

    Schema writerSchema(int id) {
        return schemas.computeIfAbsent(id, ignored -> new Schema.Parser().parse(registry.schemaById(id)));
    }

    /** The latest schema registered under a subject. */
    Schema latest(String subject) {
        return new Schema.Parser().parse(registry.latestSchema(subject));
    }
}
