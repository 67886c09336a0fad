package dev.segmentation.simulator;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.segmentation.events.BundleVersion;
import dev.segmentation.simulator.journey.SimulationState;

/**
 * A source connector that simulates users registering and journeying through a shop: registrations, sign-ins,
 * item views, cart additions, check-outs and sign-outs, each type on its own topic, with the event time as
 * record timestamp and the user id as key.
 *
 * <p>Deploy it through the Connect REST API, e.g. {@code PUT /connectors/simulator/config} with
 * {@code connector.class=dev.segmentation.simulator.UserEventSourceConnector}; see
 * {@link UserEventSourceConnectorConfig} for its settings. Each task simulates its own slice of the users.
 */
public class UserEventSourceConnector extends SourceConnector {

    private static final Logger log = LoggerFactory.getLogger(UserEventSourceConnector.class);

    private Map<String, String> props;

    @Override
    public String version() {
        return BundleVersion.get();
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = Map.copyOf(props);
        UserEventSourceConnectorConfig config = new UserEventSourceConnectorConfig(props);
        log.info("Simulator connector starting with seed {} on the {} clock", config.seed(),
                config.clockMode().configValue());
    }

    @Override
    public Class<? extends Task> taskClass() {
        return UserEventSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        // Each task owns whole partitions, which its closing watermark must not share with another task.
        int tasks = Math.min(maxTasks, new UserEventSourceConnectorConfig(props).topicPartitions());
        return IntStream.range(0, tasks)
                .mapToObj(index -> new TaskSlice(index, tasks).taskConfig(props))
                .toList();
    }

    @Override
    public void stop() {
        log.info("Simulator connector stopped");
    }

    @Override
    public ConfigDef config() {
        return UserEventSourceConnectorConfig.CONFIG_DEF;
    }

    /** Adds the rules that span several keys, each message attached to the key the user must change. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        Map<String, ConfigValue> values = config.configValues().stream()
                .collect(Collectors.toMap(ConfigValue::name, value -> value));
        if (values.values().stream().anyMatch(value -> !value.errorMessages().isEmpty())) {
            return config;
        }
        CrossFieldRules.check(connectorConfigs, values);
        return config;
    }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        // Each record carries the offset of the state after it, so a transaction boundary at any record is a
        // consistent resume point.
        return ExactlyOnceSupport.SUPPORTED;
    }

    /** Refuses offsets that a task could not resume from, before the worker stores them. */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
        offsets.forEach((partition, offset) -> {
            if (partition == null || !(partition.get(TaskSlice.PARTITION_TASK_KEY) instanceof Number)
                    || !(partition.get(TaskSlice.PARTITION_TASKS_KEY) instanceof Number)) {
                throw new ConnectException("Source partition " + partition + " must hold integer '"
                        + TaskSlice.PARTITION_TASK_KEY + "' and '" + TaskSlice.PARTITION_TASKS_KEY + "'");
            }
            if (offset != null) {
                SimulationState.fromOffset(offset);
            }
        });
        return true;
    }
}
