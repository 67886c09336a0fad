package dev.segmentation.window.serde;

import org.apache.avro.Schema;

import dev.segmentation.events.registry.RegistrySettings;
import dev.segmentation.events.registry.SchemaRegistryClient;

/**
 * The application's registry: the shared {@link SchemaRegistryClient} (several URLs, basic or bearer
 * authentication, retries, bounded caches), with schemas as Avro objects. The client's failures reach Kafka
 * Streams as they are; {@link ConfluentAvroSerde} and the intake decide what each one means for a record.
 */
public final class HttpSchemaRegistry implements SchemaRegistry {

    private final SchemaRegistryClient client;

    public HttpSchemaRegistry(RegistrySettings settings) {
        this.client = new SchemaRegistryClient(settings);
    }

    @Override
    public int register(String subject, Schema schema) {
        return client.register(subject, schema.toString());
    }

    @Override
    public Schema schemaById(int id) {
        return new Schema.Parser().parse(client.schemaById(id));
    }

    @Override
    public int latestId(String subject) {
        return client.latestId(subject);
    }
}
