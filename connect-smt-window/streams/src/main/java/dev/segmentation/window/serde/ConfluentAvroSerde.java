package dev.segmentation.window.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import dev.segmentation.events.WireFormat;
import dev.segmentation.events.registry.SchemaRegistryException;

/**
 * Avro records in Confluent's wire format: a zero magic byte, the writer schema's 4-byte registry id, then Avro
 * binary. Subjects follow the TopicNameStrategy ({@code <topic>-key}, {@code <topic>-value}), so records written
 * here are read by Confluent's {@code AvroConverter} in the sink connectors, and the other way round.
 */
public final class ConfluentAvroSerde implements Serde<GenericRecord> {

    private final SchemaRegistry registry;
    private final boolean isKey;
    // One serde serves every stream thread, so the caches are concurrent. Keying them by schema (whose hash code
    // Avro caches) avoids rendering the schema as JSON, which the registry lookup would do on every record.
    private final Map<String, Map<Schema, Integer>> idsByTopic = new ConcurrentHashMap<>();
    private final Map<Schema, GenericDatumWriter<GenericRecord>> writers = new ConcurrentHashMap<>();
    private final Map<Integer, GenericDatumReader<GenericRecord>> readers = new ConcurrentHashMap<>();
    /** Each thread's output buffers, reused from record to record. */
    private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);

    public ConfluentAvroSerde(SchemaRegistry registry, boolean isKey) {
        this.registry = registry;
        this.isKey = isKey;
    }

    @Override
    public Serializer<GenericRecord> serializer() {
        return this::serialize;
    }

    @Override
    public Deserializer<GenericRecord> deserializer() {
        return this::deserialize;
    }

    private byte[] serialize(String topic, GenericRecord record) {
        if (record == null) {
            return null;
        }
        Schema schema = record.getSchema();
        int id;
        try {
            id = idsByTopic.computeIfAbsent(topic, ignored -> new ConcurrentHashMap<>())
                    .computeIfAbsent(schema, ignored -> registry.register(WireFormat.subject(topic, isKey), schema));
        } catch (SchemaRegistryException e) {
            throw new SerializationException("Cannot register " + schema.getFullName() + " for topic " + topic, e);
        }
        try {
            Buffers buffer = buffers.get();
            // Aimed before the stream is emptied, so that what a record that failed half-way left in the encoder
            // goes nowhere.
            buffer.encoder = EncoderFactory.get().binaryEncoder(buffer.out, buffer.encoder);
            buffer.out.reset();
            buffer.out.write(WireFormat.header(id));
            writers.computeIfAbsent(schema, GenericDatumWriter::new).write(record, buffer.encoder);
            buffer.encoder.flush();
            return buffer.out.toByteArray();
        } catch (IOException e) {
            throw new SerializationException("Cannot write " + schema.getFullName() + " for topic " + topic, e);
        }
    }

    private GenericRecord deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (!WireFormat.isFramed(data)) {
            throw new SerializationException("Record on topic " + topic + " is not in the Confluent Avro wire "
                    + "format: it must start with magic byte 0 and a 4-byte schema id");
        }
        int id = WireFormat.schemaId(data);
        GenericDatumReader<GenericRecord> reader;
        try {
            reader = readers.computeIfAbsent(id, ignored -> new GenericDatumReader<>(registry.schemaById(id)));
        } catch (SchemaRegistryException e) {
            throw new SerializationException("Cannot read the writer schema " + id + " of a record on topic " + topic, e);
        }
        try {
            return reader.read(null, DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE,
                    data.length - WireFormat.HEADER_SIZE, null));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot decode record on topic " + topic + " with schema id " + id, e);
        }
    }

    /**
     * A record's bytes on their way out. The encoder collects a record's fields and hands them over in one write:
     * written field by field, straight into a new stream per record, a row took a dozen synchronized writes and
     * grew the stream's array as it went.
     */
    private static final class Buffers {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder;
    }
}
