package dev.segmentation.window.serde;

import org.apache.avro.Schema;

/** The two calls the Confluent wire format needs from a schema registry. */
public interface SchemaRegistry {

    /** Registers the schema under the subject (or finds it there) and returns its global id. */
    int register(String subject, Schema schema);

    /**
     * The schema with the given global id.
     *
     * @throws dev.segmentation.events.registry.SchemaNotFoundException when the registry has none
     */
    Schema schemaById(int id);
}
