package dev.segmentation.window.serde;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.avro.Schema;

import dev.segmentation.events.registry.SchemaNotFoundException;

/** A registry for topology tests, which run without servers; ids are global like Confluent's. */
public final class InMemorySchemaRegistry implements SchemaRegistry {

    private final List<Schema> schemas = new CopyOnWriteArrayList<>();
    private final Map<String, List<Integer>> subjects = new HashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        int id = schemas.indexOf(schema) + 1;
        if (id == 0) {
            schemas.add(schema);
            id = schemas.size();
        }
        List<Integer> versions = subjects.computeIfAbsent(subject, ignored -> new CopyOnWriteArrayList<>());
        if (!versions.contains(id)) {
            versions.add(id);
        }
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        if (id < 1 || id > schemas.size()) {
            throw new SchemaNotFoundException("No schema with id " + id);
        }
        return schemas.get(id - 1);
    }

    @Override
    public synchronized int latestId(String subject) {
        List<Integer> versions = subjects.get(subject);
        if (versions == null) {
            throw new SchemaNotFoundException("No subject " + subject);
        }
        return versions.get(versions.size() - 1);
    }

    /** Subjects registered so far, for assertions on the TopicNameStrategy. */
    public synchronized Map<String, List<Integer>> subjects() {
        return Map.copyOf(subjects);
    }
}
