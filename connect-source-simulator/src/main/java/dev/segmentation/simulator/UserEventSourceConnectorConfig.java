package dev.segmentation.simulator;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

import dev.segmentation.events.EventType;
import dev.segmentation.simulator.journey.JourneySettings;

/**
 * Configuration of the {@link UserEventSourceConnector}: where events go, how many, and on which clock; the
 * keys that shape the journeys themselves are declared by {@link JourneyConfig}.
 *
 * <p>Every key is declared with documentation, a group and a validator, so that
 * {@code PUT /connector-plugins/UserEventSourceConnector/config/validate} explains a mistake before
 * anything starts, and the configuration reference (docs/configuration.md) can be generated from {@link #CONFIG_DEF}.
 */
public final class UserEventSourceConnectorConfig extends AbstractConfig {

    static final String GROUP_TOPICS = "Topics";
    static final String GROUP_SIMULATION = "Simulation";
    static final String GROUP_CLOCK = "Clock";
    static final String GROUP_DELIVERY = "Delivery";

    public static final String TOPIC_PARTITIONS_CONFIG = "topic.partitions";
    private static final String TOPIC_PARTITIONS_DOC = "Partitions of each event topic. Each task owns the "
            + "partitions whose number modulo the task count is its own, and sends its users' events and its closing "
            + "watermark there, so one task's watermark never overtakes another task's events. At most this many "
            + "tasks run. Must match the topics' partition count (topic.creation.default.partitions when Connect "
            + "creates them).";
    public static final int TOPIC_PARTITIONS_DEFAULT = 1;

    public static final String TOPIC_MALFORMED_CONFIG = "topic.malformed";
    private static final String TOPIC_MALFORMED_DOC = "Topic that receives malformed events as truncated text "
            + "(see malformed.fraction). Empty means malformed events go to their own topic with invalid values.";

    public static final String SEED_CONFIG = "seed";
    private static final String SEED_DOC = "Seed of the simulation. The same seed and configuration produce the "
            + "same events, byte for byte.";
    public static final long SEED_DEFAULT = 42L;

    public static final String MAX_EVENTS_CONFIG = "max.events";
    private static final String MAX_EVENTS_DOC = "Events to send per task before the task goes idle; 0 means "
            + "no limit. A bounded task sends its watermark and stays RUNNING after its last event.";
    public static final long MAX_EVENTS_DEFAULT = 0L;

    public static final String CLOCK_CONFIG = "clock";
    private static final String CLOCK_DOC = "How simulated event time relates to wall time: 'realtime' (one "
            + "simulated second per second), 'accelerated' (clock.acceleration simulated seconds per second) or "
            + "'backfill' (from clock.start to clock.end as fast as possible).";
    public static final String CLOCK_DEFAULT = ClockMode.ACCELERATED.configValue();

    public static final String CLOCK_ACCELERATION_CONFIG = "clock.acceleration";
    private static final String CLOCK_ACCELERATION_DOC = "Simulated seconds per wall-clock second, for the "
            + "accelerated clock. Event time then runs ahead of the wall clock, so the topics must accept future "
            + "timestamps: set message.timestamp.after.max.ms on them (topic.creation.default."
            + "message.timestamp.after.max.ms when Connect creates them), or brokers reject the records.";
    public static final double CLOCK_ACCELERATION_DEFAULT = 60.0;

    public static final String CLOCK_START_CONFIG = "clock.start";
    private static final String CLOCK_START_DOC = "Event time of the first simulated event, as an ISO-8601 instant "
            + "(2026-01-01T00:00:00Z). Empty means the moment the task first starts. Required for backfill. Brokers "
            + "expire records by their timestamp, so for event times older than the topics' retention set "
            + "retention.ms=-1 on them (topic.creation.default.retention.ms), or the records are deleted as they land.";

    public static final String CLOCK_END_CONFIG = "clock.end";
    private static final String CLOCK_END_DOC = "Event time at which the simulation stops, as an ISO-8601 instant. "
            + "Empty means no end. Required for backfill.";

    public static final String WATERMARK_LEAD_CONFIG = "watermark.lead.ms";
    private static final String WATERMARK_LEAD_DOC = "When a bounded run ends, each task sends a watermark "
            + "heartbeat to each of its partitions of every event topic: a record with key __watermark__, no value, "
            + "header segmentation.watermark, and this much event time after the last event, so downstream windows "
            + "close. Set it to at least the downstream window size plus grace. Never an event: filter it out "
            + "(Filter with HasHeaderKey) in sinks that store raw events.";
    public static final long WATERMARK_LEAD_DEFAULT = 2 * 3_600_000L;

    public static final String BATCH_SIZE_CONFIG = "batch.size";
    private static final String BATCH_SIZE_DOC = "Most records returned by one poll().";
    public static final int BATCH_SIZE_DEFAULT = 1000;

    /** The configuration definition, shared by the connector, its tasks and the documentation generator. */
    public static final ConfigDef CONFIG_DEF = configDef();

    private final ClockMode clockMode;

    public UserEventSourceConnectorConfig(Map<?, ?> originals) {
        super(CONFIG_DEF, originals);
        clockMode = ClockMode.fromConfigValue(getString(CLOCK_CONFIG));
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        for (EventType type : EventType.values()) {
            def.define(topicConfig(type), Type.STRING, type.defaultTopic(), new TopicNameValidator(false),
                    Importance.HIGH,
                    "Topic that receives " + type.defaultTopic() + " events.", GROUP_TOPICS, ++order, Width.MEDIUM,
                    "Topic of " + type.defaultTopic() + " events");
        }
        def.define(TOPIC_MALFORMED_CONFIG, Type.STRING, "", new TopicNameValidator(true), Importance.LOW,
                        TOPIC_MALFORMED_DOC, GROUP_TOPICS, ++order, Width.MEDIUM, "Malformed-events topic")
                .define(TOPIC_PARTITIONS_CONFIG, Type.INT, TOPIC_PARTITIONS_DEFAULT, Range.between(1, 10_000),
                        Importance.MEDIUM, TOPIC_PARTITIONS_DOC, GROUP_TOPICS, ++order, Width.SHORT,
                        "Partitions per topic");
        order = 0;
        def.define(SEED_CONFIG, Type.LONG, SEED_DEFAULT, Importance.HIGH, SEED_DOC,
                        GROUP_SIMULATION, ++order, Width.SHORT, "Seed")
                .define(MAX_EVENTS_CONFIG, Type.LONG, MAX_EVENTS_DEFAULT, Range.atLeast(0L), Importance.MEDIUM,
                        MAX_EVENTS_DOC, GROUP_SIMULATION, ++order, Width.SHORT, "Maximum events per task");
        order = 0;
        def.define(CLOCK_CONFIG, Type.STRING, CLOCK_DEFAULT, ClockMode.validator(), Importance.HIGH, CLOCK_DOC,
                        GROUP_CLOCK, ++order, Width.SHORT, "Clock", ClockMode.recommender())
                .define(CLOCK_ACCELERATION_CONFIG, Type.DOUBLE, CLOCK_ACCELERATION_DEFAULT,
                        Range.between(0.001, 1_000_000.0), Importance.MEDIUM, CLOCK_ACCELERATION_DOC,
                        GROUP_CLOCK, ++order, Width.SHORT, "Acceleration")
                .define(CLOCK_START_CONFIG, Type.STRING, "", new InstantValidator(), Importance.MEDIUM,
                        CLOCK_START_DOC, GROUP_CLOCK, ++order, Width.MEDIUM, "Start of event time")
                .define(CLOCK_END_CONFIG, Type.STRING, "", new InstantValidator(), Importance.MEDIUM,
                        CLOCK_END_DOC, GROUP_CLOCK, ++order, Width.MEDIUM, "End of event time")
                .define(WATERMARK_LEAD_CONFIG, Type.LONG, WATERMARK_LEAD_DEFAULT, Range.between(0L, 30L * 86_400_000L),
                        Importance.MEDIUM, WATERMARK_LEAD_DOC, GROUP_CLOCK, ++order, Width.SHORT, "Watermark lead");
        JourneyConfig.define(def);
        order = 0;
        def.define(BATCH_SIZE_CONFIG, Type.INT, BATCH_SIZE_DEFAULT, Range.between(1, 100_000), Importance.LOW,
                BATCH_SIZE_DOC, GROUP_DELIVERY, ++order, Width.SHORT, "Batch size");
        return def;
    }

    /** The configuration key naming the topic of the given event type, e.g. {@code topic.item.view}. */
    public static String topicConfig(EventType type) {
        return type == EventType.USER_REGISTRATION ? "topic.registration"
                : "topic." + type.defaultTopic().replace('_', '.');
    }

    public String topic(EventType type) {
        return getString(topicConfig(type));
    }

    /** The malformed-events topic, if malformed events go to one. */
    public Optional<String> malformedTopic() {
        String topic = getString(TOPIC_MALFORMED_CONFIG);
        return topic == null || topic.isBlank() ? Optional.empty() : Optional.of(topic.trim());
    }

    public int topicPartitions() {
        return getInt(TOPIC_PARTITIONS_CONFIG);
    }

    public long watermarkLeadMs() {
        return getLong(WATERMARK_LEAD_CONFIG);
    }

    /** The journey settings of one task. */
    JourneySettings journeySettings(TaskSlice slice) {
        return JourneyConfig.settings(this, seed(), slice);
    }

    public long seed() {
        return getLong(SEED_CONFIG);
    }

    /** Events per task before idling; {@link Long#MAX_VALUE} when unbounded. */
    public long maxEvents() {
        long max = getLong(MAX_EVENTS_CONFIG);
        return max == 0 ? Long.MAX_VALUE : max;
    }

    public ClockMode clockMode() {
        return clockMode;
    }

    public double clockAcceleration() {
        return getDouble(CLOCK_ACCELERATION_CONFIG);
    }

    public Optional<Instant> clockStart() {
        return parseInstant(getString(CLOCK_START_CONFIG));
    }

    public Optional<Instant> clockEnd() {
        return parseInstant(getString(CLOCK_END_CONFIG));
    }

    public int batchSize() {
        return getInt(BATCH_SIZE_CONFIG);
    }

    static Optional<Instant> parseInstant(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(Instant.parse(value.trim()));
    }

    /** Accepts an empty value or an ISO-8601 instant, naming the expected form when it refuses. */
    static final class InstantValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                parseInstant((String) value);
            } catch (DateTimeParseException e) {
                throw new ConfigException(name, value,
                        "must be an ISO-8601 instant such as 2026-01-01T00:00:00Z, or empty");
            }
        }

        @Override
        public String toString() {
            return "empty or an ISO-8601 instant, e.g. 2026-01-01T00:00:00Z";
        }
    }

    /** Accepts a legal Kafka topic name (and, where allowed, an empty value), naming the rule it breaks. */
    static final class TopicNameValidator implements ConfigDef.Validator {
        private static final java.util.regex.Pattern LEGAL = java.util.regex.Pattern.compile("[a-zA-Z0-9._-]{1,249}");
        private final boolean emptyAllowed;

        TopicNameValidator(boolean emptyAllowed) {
            this.emptyAllowed = emptyAllowed;
        }

        @Override
        public void ensureValid(String name, Object value) {
            String topic = value == null ? "" : ((String) value).trim();
            if (topic.isEmpty() ? !emptyAllowed : !LEGAL.matcher(topic).matches() || topic.equals(".")
                    || topic.equals("..")) {
                throw new ConfigException(name, value, "must be " + this);
            }
        }

        @Override
        public String toString() {
            return (emptyAllowed ? "empty or " : "") + "a topic name of letters, digits, '.', '_' and '-'";
        }
    }
}
