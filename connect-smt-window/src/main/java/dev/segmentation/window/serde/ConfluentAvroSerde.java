package dev.segmentation.window.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

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

/**
 * Avro records in Confluent's wire format: a zero magic byte, the writer schema's 4-byte registry id, then Avro
 * binary. Subjects follow the TopicNameStrategy ({@code <topic>-key}, {@code <topic>-value}), so records written
 * here are read by Confluent's {@code AvroConverter} in the sink connectors, and the other way round.
 */
public final class ConfluentAvroSerde implements Serde<GenericRecord> {

    /** The first byte of every record in the Confluent wire format. */
    public static final byte MAGIC_BYTE = 0;
    private static final int HEADER_SIZE = 5;

    private final SchemaRegistry registry;
    private final boolean isKey;

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
        int id = registry.register(topic + (isKey ? "-key" : "-value"), schema);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(64);
            out.write(MAGIC_BYTE);
            out.write(ByteBuffer.allocate(4).putInt(id).array());
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new SerializationException("Cannot write " + schema.getFullName() + " for topic " + topic, e);
        }
    }

    private GenericRecord deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < HEADER_SIZE || data[0] != MAGIC_BYTE) {
            throw new SerializationException("Record on topic " + topic + " is not in the Confluent Avro wire "
                    + "format: it must start with magic byte 0 and a 4-byte schema id");
        }
        int id = ByteBuffer.wrap(data, 1, 4).getInt();
        Schema writer = registry.schemaById(id);
        try {
            return new GenericDatumReader<GenericRecord>(writer)
                    .read(null, DecoderFactory.get().binaryDecoder(data, HEADER_SIZE, data.length - HEADER_SIZE, null));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot decode record on topic " + topic + " with schema id " + id, e);
        }
    }
}
