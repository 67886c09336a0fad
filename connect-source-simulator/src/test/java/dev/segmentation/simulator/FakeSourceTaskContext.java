package dev.segmentation.simulator;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/** A task context whose offset store is a map the test fills, standing in for the worker's offset topic. */
final class FakeSourceTaskContext implements SourceTaskContext {

    private final Map<Map<String, ?>, Map<String, Object>> offsets = new HashMap<>();

    void storeOffset(Map<String, ?> partition, Map<String, ?> offset) {
        offsets.put(partition, new HashMap<>(offset));
    }

    @Override
    public Map<String, String> configs() {
        return Map.of();
    }

    @Override
    public PluginMetrics pluginMetrics() {
        return null;
    }

    @Override
    public OffsetStorageReader offsetStorageReader() {
        return new OffsetStorageReader() {
            @Override
            public <T> Map<String, Object> offset(Map<String, T> partition) {
                return offsets.get(partition);
            }

            @Override
            public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
                Map<Map<String, T>, Map<String, Object>> result = new HashMap<>();
                partitions.forEach(partition -> result.put(partition, offsets.get(partition)));
                return result;
            }
        };
    }
}
