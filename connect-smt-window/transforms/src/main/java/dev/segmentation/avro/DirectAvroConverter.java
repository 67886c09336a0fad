package dev.segmentation.avro;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.storage.Converter;

import dev.segmentation.events.BundleVersion;
import dev.segmentation.events.WireFormat;
import dev.segmentation.events.registry.RegistryConfig;
import dev.segmentation.events.registry.RegistryUnavailableException;
import dev.segmentation.events.registry.SchemaNotFoundException;
import dev.segmentation.events.registry.SchemaRegistryClient;
import dev.segmentation.events.registry.SchemaRegistryException;

/**
 * Writes Connect records as Avro in Confluent's wire format (a zero byte, the writer schema's 4-byte registry id,
 * then Avro binary), with subjects named by the TopicNameStrategy ({@code <topic>-value}, {@code <topic>-key}).
 * Confluent's {@code AvroConverter} and any other Confluent-wire-format reader read what it writes.
 *
 * <p>It exists for speed. Source connectors, the simulator among them, emit a few schemas built once and shared by
 * every record. This converter registers each schema once per topic, keeps the id and a writer per schema
 * <em>instance</em>, and writes each struct's fields straight to Avro binary. Confluent's converter instead
 * translates every record into an Avro record and looks its schema up in hashed caches, several times per record;
 * that was half of the simulator's time per event.
 *
 * <p>It only writes: sink connectors read these topics with Confluent's converter (the Snowflake connector's jar
 * carries it). Connect gives each task its own converter, and an instance is not meant for concurrent use.
 */
public class DirectAvroConverter implements Converter, Versioned {

    /** Bounds the identity caches for connectors that build a new, equal schema for every record. */
    private static final int MAX_SCHEMA_INSTANCES_PER_TOPIC = 1_000;

    /** A schema's registry id under one subject and the writer of its values. */
    private record Encoding(int schemaId, ValueWriter writer) {
    }

    private final Map<String, Map<Schema, Encoding>> byInstance = new HashMap<>();
    private final Map<String, Map<Schema, Encoding>> byEquality = new HashMap<>();
    private final AvroOutput out = new AvroOutput();
    private SchemaRegistryClient registry;
    private boolean autoRegister;
    private boolean isKey;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        DirectAvroConverterConfig config = new DirectAvroConverterConfig(configs);
        this.registry = new SchemaRegistryClient(RegistryConfig.settings(config));
        this.autoRegister = config.autoRegisterSchemas();
        this.isKey = isKey;
    }

    @Override
    public ConfigDef config() {
        return DirectAvroConverterConfig.CONFIG_DEF;
    }

    @Override
    public String version() {
        return BundleVersion.get();
    }

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        if (schema == null) {
            throw new DataException("Record for topic " + topic + " has no schema; DirectAvroConverter writes only "
                    + "records with a schema. Use a converter for schemaless data, e.g. JsonConverter.");
        }
        Map<Schema, Encoding> instances = byInstance.computeIfAbsent(topic, ignored -> new IdentityHashMap<>());
        Encoding encoding = instances.get(schema);
        if (encoding == null) {
            encoding = byEquality.computeIfAbsent(topic, ignored -> new HashMap<>())
                    .computeIfAbsent(schema, ignored -> encode(topic, schema));
            if (instances.size() < MAX_SCHEMA_INSTANCES_PER_TOPIC) {
                instances.put(schema, encoding);
            }
        }
        out.reset();
        out.writeByte(WireFormat.MAGIC_BYTE);
        out.writeFixedInt(encoding.schemaId());
        try {
            encoding.writer().write(out, value);
        } catch (ClassCastException e) {
            throw new DataException("Record for topic " + topic + " does not match its schema " + schema.name()
                    + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private Encoding encode(String topic, Schema schema) {
        String avroSchema = AvroSchemaJson.of(schema, topic);
        String subject = WireFormat.subject(topic, isKey);
        try {
            int id = autoRegister ? registry.register(subject, avroSchema) : registry.lookUp(subject, avroSchema);
            return new Encoding(id, ValueWriter.of(schema, topic));
        } catch (SchemaNotFoundException e) {
            throw new DataException("Subject " + subject + " does not hold the schema " + avroSchema + ". Register "
                    + "it first, or set auto.register.schemas=true.", e);
        } catch (RegistryUnavailableException e) {
            // The worker retries a retriable failure (with errors.retry.timeout) instead of failing the task at once.
            throw new RetriableException(e.getMessage(), e);
        } catch (SchemaRegistryException e) {
            throw new DataException(e.getMessage(), e);
        }
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        throw new DataException("DirectAvroConverter only writes records; read topic " + topic + " with "
                + "io.confluent.connect.avro.AvroConverter, which reads the same wire format.");
    }

    @Override
    public void close() {
        byInstance.clear();
        byEquality.clear();
    }
}
