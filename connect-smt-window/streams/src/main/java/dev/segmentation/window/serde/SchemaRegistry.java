package dev.segmentation.window.serde;

import org.apache.avro.Schema;

/**
 * The calls the Confluent wire format needs from a schema registry: two, and a third that lets the application ask
 * for its input schemas before their records arrive.
 */
public interface SchemaRegistry {

    /** Registers the schema under the subject (or finds it there) and returns its global id. */
    int register(String subject, Schema schema);

    /**
     * The schema with the given global id.
     *
     * @throws dev.segmentation.events.registry.SchemaNotFoundException when the registry has none
     */
    Schema schemaById(int id);

    /**
     * The global id of the latest schema registered under the subject.
     *
     * @throws dev.segmentation.events.registry.SchemaNotFoundException when the subject does not exist
     */
    int latestId(String subject);
}
