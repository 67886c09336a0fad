package dev.segmentation.simulator;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.connect.errors.ConnectException;

/**
 * Which slice of the user population a task simulates: task {@code index} of {@code count}.
 *
 * <p>The slice is also the task's source partition, so offsets survive a restart as long as the number of
 * tasks stays the same; a connector re-split into a different number of tasks starts its slices afresh.
 */
record TaskSlice(int index, int count) {

    static final String TASK_INDEX_CONFIG = "task.index";
    static final String TASK_COUNT_CONFIG = "task.count";
    static final String PARTITION_TASK_KEY = "task";
    static final String PARTITION_TASKS_KEY = "tasks";

    /** Adds this slice to a copy of the connector's configuration, giving one task's configuration. */
    Map<String, String> taskConfig(Map<String, String> connectorConfig) {
        Map<String, String> taskConfig = new HashMap<>(connectorConfig);
        taskConfig.put(TASK_INDEX_CONFIG, Integer.toString(index));
        taskConfig.put(TASK_COUNT_CONFIG, Integer.toString(count));
        return taskConfig;
    }

    static TaskSlice fromTaskConfig(Map<String, String> taskConfig) {
        try {
            return new TaskSlice(Integer.parseInt(taskConfig.get(TASK_INDEX_CONFIG)),
                    Integer.parseInt(taskConfig.get(TASK_COUNT_CONFIG)));
        } catch (NumberFormatException e) {
            throw new ConnectException("Task configuration lacks a valid " + TASK_INDEX_CONFIG + "/"
                    + TASK_COUNT_CONFIG + "; tasks must be created by UserEventSourceConnector", e);
        }
    }

    /**
     * The source partition, as a HashMap on purpose: the worker finds a task's offset by the partition's serialized
     * bytes, and while Map.of iterates in an order that changes from JVM to JVM, a HashMap of the same keys always
     * iterates alike, and alike with the maps the worker itself reads back from the offsets topic. With Map.of a
     * restarted worker could miss the offset and start the simulation over.
     */
    Map<String, Object> sourcePartition() {
        Map<String, Object> partition = new HashMap<>();
        partition.put(PARTITION_TASK_KEY, index);
        partition.put(PARTITION_TASKS_KEY, count);
        return partition;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
