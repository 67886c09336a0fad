package dev.segmentation.window.ingest;

import java.io.IOException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

import dev.segmentation.events.EventType;
import dev.segmentation.events.WireFormat;
import dev.segmentation.events.registry.SchemaNotFoundException;
import dev.segmentation.window.serde.SchemaRegistry;

/**
 * Decodes Confluent-wire-format Avro into the application's reader schemas.
 *
 * <p>It sits on the hot path, so it allocates as little as it can: one resolving reader per writer schema id and
 * event type, one reusable record per type (whose {@code Utf8} fields Avro refills in place) and one reusable
 * binary decoder. The record returned is therefore only valid until the next call. One instance serves one stream
 * task, never two threads.
 */
final class EventDecoder {

    private final SchemaRegistry registry;
    private final Map<EventType, Map<Integer, GenericDatumReader<GenericRecord>>> readers = new EnumMap<>(EventType.class);
    private final Map<EventType, GenericRecord> reusable = new EnumMap<>(EventType.class);
    private BinaryDecoder decoder;

    EventDecoder(SchemaRegistry registry) {
        this.registry = registry;
        for (EventType type : EventType.values()) {
            readers.put(type, new HashMap<>());
            reusable.put(type, new GenericData.Record(EventSchemas.reader(type)));
        }
    }

    /**
     * The event in the reader schema of its type.
     *
     * @throws UndecodableEventException when the bytes are not a record this application can read
     */
    GenericRecord decode(EventType type, byte[] data) {
        if (!WireFormat.isFramed(data)) {
            throw new UndecodableEventException("Not in the Confluent Avro wire format: the value must start with "
                    + "magic byte 0 and a 4-byte schema id");
        }
        int id = WireFormat.schemaId(data);
        GenericDatumReader<GenericRecord> reader = readerFor(type, id);
        decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE,
                data.length - WireFormat.HEADER_SIZE, decoder);
        try {
            GenericRecord record = reader.read(reusable.get(type), decoder);
            if (!decoder.isEnd()) {
                throw new UndecodableEventException("Schema id " + id + " does not account for "
                        + "the whole value: bytes are left over after the record");
            }
            return record;
        } catch (IOException | RuntimeException e) {
            if (e instanceof UndecodableEventException undecodable) {
                throw undecodable;
            }
            // The reusable record may be half filled; start the next one from a clean record.
            reusable.put(type, new GenericData.Record(EventSchemas.reader(type)));
            throw new UndecodableEventException("Cannot decode " + type.recordName() + " with schema id " + id
                    + ": " + e, e);
        }
    }

    private GenericDatumReader<GenericRecord> readerFor(EventType type, int id) {
        Map<Integer, GenericDatumReader<GenericRecord>> byId = readers.get(type);
        GenericDatumReader<GenericRecord> reader = byId.get(id);
        if (reader == null) {
            Schema writer;
            try {
                writer = registry.schemaById(id);
            } catch (SchemaNotFoundException e) {
                throw new UndecodableEventException("Unknown schema id " + id + ": " + e.getMessage(), e);
            }
            Schema readerSchema = EventSchemas.reader(type);
            if (writer.getType() != Schema.Type.RECORD || !writer.getFullName().equals(readerSchema.getFullName())) {
                throw new UndecodableEventException("Schema id " + id + " is " + writer.getFullName() + ", not "
                        + readerSchema.getFullName());
            }
            // Resolution fails here, once per writer schema, if the writer lacks a field the reader needs.
            reader = new GenericDatumReader<>(writer, readerSchema);
            byId.put(id, reader);
        }
        return reader;
    }
}
