package dev.segmentation.simulator;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.ConfigValue;

import dev.segmentation.events.EventType;

/**
 * The rules of the simulator's configuration that span several keys. Each message goes to the key the user
 * must change, so the Connect REST API's validate call shows it beside that key.
 */
final class CrossFieldRules {

    private static final String TOPIC_CREATION_PARTITIONS = "topic.creation.default.partitions";

    private CrossFieldRules() {
    }

    /** Adds an error message to the offending key for every rule the configuration breaks. */
    static void check(Map<String, String> raw, Map<String, ConfigValue> values) {
        UserEventSourceConnectorConfig config = new UserEventSourceConnectorConfig(raw);
        checkClock(config, values);
        checkTopics(config, raw, values);
        checkImperfections(config, values);
    }

    private static void checkClock(UserEventSourceConnectorConfig config, Map<String, ConfigValue> values) {
        Optional<Instant> start = config.clockStart();
        Optional<Instant> end = config.clockEnd();
        if (config.clockMode() == ClockMode.BACKFILL) {
            if (start.isEmpty()) {
                values.get(UserEventSourceConnectorConfig.CLOCK_START_CONFIG).addErrorMessage(
                        "The backfill clock needs clock.start: set the first event time, e.g. 2026-01-01T00:00:00Z");
            }
            if (end.isEmpty()) {
                values.get(UserEventSourceConnectorConfig.CLOCK_END_CONFIG).addErrorMessage(
                        "The backfill clock needs clock.end: set the event time to stop at, after clock.start");
            }
        }
        if (start.isPresent() && end.isPresent() && !end.get().isAfter(start.get())) {
            values.get(UserEventSourceConnectorConfig.CLOCK_END_CONFIG).addErrorMessage(
                    "clock.end (" + end.get() + ") must be after clock.start (" + start.get() + ")");
        }
    }

    private static void checkTopics(UserEventSourceConnectorConfig config, Map<String, String> raw,
                                    Map<String, ConfigValue> values) {
        Map<String, String> keyOfTopic = new HashMap<>();
        for (EventType type : EventType.values()) {
            String key = UserEventSourceConnectorConfig.topicConfig(type);
            String earlier = keyOfTopic.putIfAbsent(config.topic(type), key);
            if (earlier != null) {
                values.get(key).addErrorMessage(key + " names the topic '" + config.topic(type) + "' that " + earlier
                        + " already uses; each event type needs its own topic");
            }
        }
        config.malformedTopic().filter(keyOfTopic::containsKey).ifPresent(topic ->
                values.get(UserEventSourceConnectorConfig.TOPIC_MALFORMED_CONFIG).addErrorMessage(
                        "topic.malformed names '" + topic + "', the topic of " + keyOfTopic.get(topic)
                                + "; choose a topic of its own, or leave it empty to send malformed events in place"));
        String created = raw.get(TOPIC_CREATION_PARTITIONS);
        if (created != null && !created.isBlank() && !created.trim().equals("-1")
                && !created.trim().equals(Integer.toString(config.topicPartitions()))) {
            values.get(UserEventSourceConnectorConfig.TOPIC_PARTITIONS_CONFIG).addErrorMessage(
                    "topic.partitions (" + config.topicPartitions() + ") must equal " + TOPIC_CREATION_PARTITIONS
                            + " (" + created.trim() + "), the partitions Connect creates the topics with");
        }
    }

    private static void checkImperfections(UserEventSourceConnectorConfig config, Map<String, ConfigValue> values) {
        double total = JourneyConfig.imperfectionTotal(config);
        if (total > 1.0 + 1e-9) {
            for (String key : new String[] {JourneyConfig.LATE_FRACTION_CONFIG, JourneyConfig.OUT_OF_ORDER_FRACTION_CONFIG,
                JourneyConfig.DUPLICATE_FRACTION_CONFIG, JourneyConfig.MALFORMED_FRACTION_CONFIG}) {
                if (config.getDouble(key) > 0) {
                    values.get(key).addErrorMessage("late, out-of-order, duplicate and malformed fractions sum to "
                            + total + "; each event is imperfect in at most one way, so lower them to sum to 1 or less");
                }
            }
        }
    }
}
