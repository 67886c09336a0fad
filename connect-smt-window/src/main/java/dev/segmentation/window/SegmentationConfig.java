package dev.segmentation.window;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/**
 * The segmentation application's own settings. Everything else in its properties file is handed to Kafka
 * Streams as it is ({@code bootstrap.servers}, {@code application.id}, ...).
 */
public final class SegmentationConfig extends AbstractConfig {

    static final String GROUP_TOPICS = "Topics";
    static final String GROUP_WINDOWS = "Windows";
    static final String GROUP_REGISTRY = "Schema registry";

    public static final String REGISTRATION_TOPIC_CONFIG = "segmentation.topic.registration";
    private static final String REGISTRATION_TOPIC_DOC = "Input topic of user_registration events.";

    public static final String REGISTRATIONS_OUTPUT_TOPIC_CONFIG = "segmentation.topic.registrations.output";
    private static final String REGISTRATIONS_OUTPUT_TOPIC_DOC = "Output topic of registrations per segment and window.";

    public static final String TOPIC_PARTITIONS_CONFIG = "segmentation.topic.partitions";
    private static final String TOPIC_PARTITIONS_DOC = "Partitions of the topics the application creates when they "
            + "are missing at start-up.";

    public static final String WINDOW_SIZE_CONFIG = "segmentation.window.size.ms";
    private static final String WINDOW_SIZE_DOC = "Length of each window, in milliseconds.";

    public static final String WINDOW_ADVANCE_CONFIG = "segmentation.window.advance.ms";
    private static final String WINDOW_ADVANCE_DOC = "How far each window starts after the previous one, in milliseconds.";

    public static final String WINDOW_GRACE_CONFIG = "segmentation.window.grace.ms";
    private static final String WINDOW_GRACE_DOC = "How long after a window's end late events are still counted, in "
            + "event-time milliseconds. The final row of a window is emitted once stream time passes end + grace.";

    public static final String REGISTRY_URL_CONFIG = "schema.registry.url";
    private static final String REGISTRY_URL_DOC = "Base URL of a Confluent-compatible schema registry.";

    /** The configuration definition, also the source of the README's reference. */
    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(REGISTRATION_TOPIC_CONFIG, Type.STRING, "user_registration",
                    new ConfigDef.NonEmptyStringWithoutControlChars(), Importance.HIGH, REGISTRATION_TOPIC_DOC,
                    GROUP_TOPICS, 1, Width.MEDIUM, "Registration topic")
            .define(REGISTRATIONS_OUTPUT_TOPIC_CONFIG, Type.STRING, "segment_registrations",
                    new ConfigDef.NonEmptyStringWithoutControlChars(), Importance.HIGH, REGISTRATIONS_OUTPUT_TOPIC_DOC,
                    GROUP_TOPICS, 2, Width.MEDIUM, "Registrations output topic")
            .define(TOPIC_PARTITIONS_CONFIG, Type.INT, 3, Range.between(1, 10_000), Importance.LOW,
                    TOPIC_PARTITIONS_DOC, GROUP_TOPICS, 3, Width.SHORT, "Partitions of created topics")
            .define(WINDOW_SIZE_CONFIG, Type.LONG, Duration.ofHours(1).toMillis(), Range.atLeast(1L),
                    Importance.HIGH, WINDOW_SIZE_DOC, GROUP_WINDOWS, 1, Width.SHORT, "Window size")
            .define(WINDOW_ADVANCE_CONFIG, Type.LONG, Duration.ofMinutes(15).toMillis(), Range.atLeast(1L),
                    Importance.HIGH, WINDOW_ADVANCE_DOC, GROUP_WINDOWS, 2, Width.SHORT, "Window advance")
            .define(WINDOW_GRACE_CONFIG, Type.LONG, Duration.ofMinutes(10).toMillis(), Range.atLeast(0L),
                    Importance.HIGH, WINDOW_GRACE_DOC, GROUP_WINDOWS, 3, Width.SHORT, "Grace period")
            .define(REGISTRY_URL_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
                    new ConfigDef.NonEmptyStringWithoutControlChars(), Importance.HIGH, REGISTRY_URL_DOC,
                    GROUP_REGISTRY, 1, Width.LONG, "Schema registry URL");

    public SegmentationConfig(Map<?, ?> originals) {
        super(CONFIG_DEF, originals, false);
        if (windowAdvance().compareTo(windowSize()) > 0) {
            throw new ConfigException(WINDOW_ADVANCE_CONFIG, windowAdvance().toMillis(),
                    "must not exceed " + WINDOW_SIZE_CONFIG + " (" + windowSize().toMillis() + "), or events would fall between windows");
        }
    }

    public String registrationTopic() {
        return getString(REGISTRATION_TOPIC_CONFIG);
    }

    public String registrationsOutputTopic() {
        return getString(REGISTRATIONS_OUTPUT_TOPIC_CONFIG);
    }

    public int topicPartitions() {
        return getInt(TOPIC_PARTITIONS_CONFIG);
    }

    public Duration windowSize() {
        return Duration.ofMillis(getLong(WINDOW_SIZE_CONFIG));
    }

    public Duration windowAdvance() {
        return Duration.ofMillis(getLong(WINDOW_ADVANCE_CONFIG));
    }

    public Duration windowGrace() {
        return Duration.ofMillis(getLong(WINDOW_GRACE_CONFIG));
    }

    public String registryUrl() {
        return getString(REGISTRY_URL_CONFIG);
    }
}
