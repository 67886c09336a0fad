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

    Map<String, Object> sourcePartition() {
        return Map.of(PARTITION_TASK_KEY, index, PARTITION_TASKS_KEY, count);
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
