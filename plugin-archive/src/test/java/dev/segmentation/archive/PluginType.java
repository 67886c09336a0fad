package dev.segmentation.archive;

import java.util.Arrays;
import java.util.Optional;

/**
 * The Connect plugin kinds a worker lists under {@code GET /connector-plugins?connectorsOnly=false}: the service
 * interface a jar declares them under, the {@code type} the REST API reports, and the Confluent Hub
 * {@code component_types} entry that announces them in manifest.json.
 */
enum PluginType {
    SOURCE("org.apache.kafka.connect.source.SourceConnector", "source", "source"),
    SINK("org.apache.kafka.connect.sink.SinkConnector", "sink", "sink"),
    CONVERTER("org.apache.kafka.connect.storage.Converter", "converter", "converter"),
    HEADER_CONVERTER("org.apache.kafka.connect.storage.HeaderConverter", "header_converter", "converter"),
    TRANSFORMATION("org.apache.kafka.connect.transforms.Transformation", "transformation", "transform"),
    PREDICATE("org.apache.kafka.connect.transforms.predicates.Predicate", "predicate", "transform");

    private final String serviceInterface;
    private final String restType;
    private final String componentType;

    PluginType(String serviceInterface, String restType, String componentType) {
        this.serviceInterface = serviceInterface;
        this.restType = restType;
        this.componentType = componentType;
    }

    /**
     * The kind declared by {@code META-INF/services/<serviceInterface>}; empty for Connect services the
     * plugin listing does not show (REST extensions, client config override policies).
     */
    static Optional<PluginType> ofService(String serviceInterface) {
        return Arrays.stream(values()).filter(type -> type.serviceInterface.equals(serviceInterface)).findFirst();
    }

    String restType() {
        return restType;
    }

    String componentType() {
        return componentType;
    }
}
