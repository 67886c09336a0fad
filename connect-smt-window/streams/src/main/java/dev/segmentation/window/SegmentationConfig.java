package dev.segmentation.window;

import java.time.Duration;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

import dev.segmentation.events.EventType;
import dev.segmentation.events.registry.RegistryConfig;
import dev.segmentation.events.registry.RegistrySettings;
import dev.segmentation.window.users.UserSegmentRules;

/**
 * The segmentation application's own settings. Everything else in its properties file is handed to Kafka
 * Streams as it is ({@code bootstrap.servers}, {@code application.id}, ...).
 *
 * <p>Typed getters group related keys into small value objects ({@link WindowSpec}, {@link UserSegmentRules}),
 * so the classes that use them never see the raw keys.
 */
public final class SegmentationConfig extends AbstractConfig {

    static final String GROUP_INPUT_TOPICS = "Input topics";
    static final String GROUP_OUTPUT_TOPICS = "Output topics";
    static final String GROUP_WINDOWS = "Windows";
    static final String GROUP_DATA_QUALITY = "Late and duplicate data";
    static final String GROUP_USER_SEGMENTS = "User segments";
    static final String GROUP_REGISTRY = "Schema registry";

    private static final long HOUR_MS = Duration.ofHours(1).toMillis();
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    // Input topics, one per event type.
    public static final String REGISTRATION_TOPIC_CONFIG = "segmentation.topic.registration";
    public static final String SIGN_IN_TOPIC_CONFIG = "segmentation.topic.sign.in";
    public static final String SIGN_OUT_TOPIC_CONFIG = "segmentation.topic.sign.out";
    public static final String ITEM_VIEW_TOPIC_CONFIG = "segmentation.topic.item.view";
    public static final String ADD_TO_CART_TOPIC_CONFIG = "segmentation.topic.add.to.cart";
    public static final String CHECK_OUT_TOPIC_CONFIG = "segmentation.topic.check.out";

    // Output topics.
    public static final String REGISTRATIONS_OUTPUT_TOPIC_CONFIG = "segmentation.topic.registrations.output";
    public static final String REGISTRATIONS_OUTPUT_TOPIC_DEFAULT = "segment_registrations";
    public static final String ACTIVE_USERS_OUTPUT_TOPIC_CONFIG = "segmentation.topic.active.users.output";
    public static final String ACTIVE_USERS_OUTPUT_TOPIC_DEFAULT = "segment_active_users";
    public static final String SESSIONS_OUTPUT_TOPIC_CONFIG = "segmentation.topic.sessions.output";
    public static final String SESSIONS_OUTPUT_TOPIC_DEFAULT = "segment_sessions";
    public static final String FUNNEL_OUTPUT_TOPIC_CONFIG = "segmentation.topic.funnel.output";
    public static final String FUNNEL_OUTPUT_TOPIC_DEFAULT = "segment_funnel";
    public static final String REVENUE_OUTPUT_TOPIC_CONFIG = "segmentation.topic.revenue.output";
    public static final String REVENUE_OUTPUT_TOPIC_DEFAULT = "segment_revenue";
    public static final String LATE_EVENTS_OUTPUT_TOPIC_CONFIG = "segmentation.topic.late.events.output";
    public static final String LATE_EVENTS_OUTPUT_TOPIC_DEFAULT = "segment_late_events";
    public static final String USER_SEGMENTS_OUTPUT_TOPIC_CONFIG = "segmentation.topic.user.segments.output";
    public static final String USER_SEGMENTS_OUTPUT_TOPIC_DEFAULT = "user_segments";
    public static final String DEAD_LETTER_TOPIC_CONFIG = "segmentation.topic.dead.letter";
    public static final String DEAD_LETTER_TOPIC_DEFAULT = "segmentation_dead_letter";
    public static final String TOPIC_PARTITIONS_CONFIG = "segmentation.topic.partitions";

    // Windows.
    public static final String WINDOW_SIZE_CONFIG = "segmentation.window.size.ms";
    public static final long WINDOW_SIZE_DEFAULT = HOUR_MS;
    public static final String WINDOW_ADVANCE_CONFIG = "segmentation.window.advance.ms";
    public static final long WINDOW_ADVANCE_DEFAULT = Duration.ofMinutes(15).toMillis();
    public static final String WINDOW_GRACE_CONFIG = "segmentation.window.grace.ms";
    public static final long WINDOW_GRACE_DEFAULT = Duration.ofMinutes(15).toMillis();
    public static final String SESSION_TIMEOUT_CONFIG = "segmentation.session.timeout.ms";
    public static final long SESSION_TIMEOUT_DEFAULT = Duration.ofMinutes(30).toMillis();

    // Late and duplicate data.
    public static final String DEDUP_RETENTION_CONFIG = "segmentation.dedup.retention.ms";
    public static final long DEDUP_RETENTION_DEFAULT = 2 * HOUR_MS;
    public static final String ALIGNMENT_IDLE_CONFIG = "segmentation.alignment.idle.ms";
    public static final long ALIGNMENT_IDLE_DEFAULT = Duration.ofMinutes(5).toMillis();

    // User segments.
    public static final String LIFECYCLE_NEW_CONFIG = "segmentation.lifecycle.new.ms";
    public static final long LIFECYCLE_NEW_DEFAULT = 7 * DAY_MS;
    public static final String LIFECYCLE_AT_RISK_CONFIG = "segmentation.lifecycle.at.risk.after.ms";
    public static final long LIFECYCLE_AT_RISK_DEFAULT = 7 * DAY_MS;
    public static final String LIFECYCLE_DORMANT_CONFIG = "segmentation.lifecycle.dormant.after.ms";
    public static final long LIFECYCLE_DORMANT_DEFAULT = 30 * DAY_MS;
    public static final String VALUE_RECENCY_CONFIG = "segmentation.value.recency.ms";
    public static final long VALUE_RECENCY_DEFAULT = 30 * DAY_MS;
    public static final String VALUE_HIGH_ORDERS_CONFIG = "segmentation.value.high.orders";
    public static final int VALUE_HIGH_ORDERS_DEFAULT = 3;
    public static final String VALUE_HIGH_REVENUE_CONFIG = "segmentation.value.high.revenue.cents";
    public static final long VALUE_HIGH_REVENUE_DEFAULT = 50_000L;

    public static final String REGISTRY_URL_CONFIG = RegistryConfig.URL_CONFIG;

    /** Windows an event may fall in at most: the distinct-user bookkeeping keeps one bit per window. */
    static final int MAX_WINDOWS_PER_EVENT = 32;

    private static final ConfigDef.Validator TOPIC_NAME = topicName();

    /** The configuration definition, also the source of docs/configuration.md. */
    public static final ConfigDef CONFIG_DEF = define();

    public SegmentationConfig(Map<?, ?> originals) {
        super(CONFIG_DEF, originals, false);
        checkWindows();
        checkUserSegments();
        RegistryConfig.settings(this);
    }

    private static ConfigDef define() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        defineTopic(def, REGISTRATION_TOPIC_CONFIG, EventType.USER_REGISTRATION, ++order);
        defineTopic(def, SIGN_IN_TOPIC_CONFIG, EventType.SIGN_IN, ++order);
        defineTopic(def, SIGN_OUT_TOPIC_CONFIG, EventType.SIGN_OUT, ++order);
        defineTopic(def, ITEM_VIEW_TOPIC_CONFIG, EventType.ITEM_VIEW, ++order);
        defineTopic(def, ADD_TO_CART_TOPIC_CONFIG, EventType.ADD_TO_CART, ++order);
        defineTopic(def, CHECK_OUT_TOPIC_CONFIG, EventType.CHECK_OUT, ++order);

        order = 0;
        defineOutput(def, REGISTRATIONS_OUTPUT_TOPIC_CONFIG, REGISTRATIONS_OUTPUT_TOPIC_DEFAULT, ++order,
                "Registrations output topic", "Output topic of registrations per segment and window.");
        defineOutput(def, ACTIVE_USERS_OUTPUT_TOPIC_CONFIG, ACTIVE_USERS_OUTPUT_TOPIC_DEFAULT, ++order,
                "Active users output topic", "Output topic of distinct users who signed in, per segment and window.");
        defineOutput(def, SESSIONS_OUTPUT_TOPIC_CONFIG, SESSIONS_OUTPUT_TOPIC_DEFAULT, ++order,
                "Sessions output topic", "Output topic of sessions ended, with their average and 95th-percentile "
                        + "duration, per segment and window.");
        defineOutput(def, FUNNEL_OUTPUT_TOPIC_CONFIG, FUNNEL_OUTPUT_TOPIC_DEFAULT, ++order,
                "Funnel output topic", "Output topic of distinct users who viewed, added to cart and checked out, "
                        + "with conversion rates, per segment and window.");
        defineOutput(def, REVENUE_OUTPUT_TOPIC_CONFIG, REVENUE_OUTPUT_TOPIC_DEFAULT, ++order,
                "Revenue output topic", "Output topic of check-out revenue, orders and average order value, per "
                        + "segment and window.");
        defineOutput(def, LATE_EVENTS_OUTPUT_TOPIC_CONFIG, LATE_EVENTS_OUTPUT_TOPIC_DEFAULT, ++order,
                "Late events output topic", "Output topic of events that arrived after their window had closed, "
                        + "as a running count per segment and window (upsert on the key).");
        defineOutput(def, USER_SEGMENTS_OUTPUT_TOPIC_CONFIG, USER_SEGMENTS_OUTPUT_TOPIC_DEFAULT, ++order,
                "User segments output topic", "Compacted output topic of each user's lifecycle and value segment, "
                        + "keyed by user id; a new row whenever either changes.");
        defineOutput(def, DEAD_LETTER_TOPIC_CONFIG, DEAD_LETTER_TOPIC_DEFAULT, ++order,
                "Dead-letter topic", "Topic that receives input records that cannot be decoded, are invalid, or are "
                        + "too old to deduplicate, unchanged, with segmentation.dlq.* headers saying why and where "
                        + "they came from.");
        def.define(TOPIC_PARTITIONS_CONFIG, Type.INT, 3, Range.between(1, 10_000), Importance.LOW,
                "Partitions of the topics the application creates when they are missing at start-up.",
                GROUP_OUTPUT_TOPICS, ++order, Width.SHORT, "Partitions of created topics");

        order = 0;
        def.define(WINDOW_SIZE_CONFIG, Type.LONG, WINDOW_SIZE_DEFAULT, Range.atLeast(1L), Importance.HIGH,
                        "Length of each window, in milliseconds; a multiple of the advance.",
                        GROUP_WINDOWS, ++order, Width.SHORT, "Window size")
                .define(WINDOW_ADVANCE_CONFIG, Type.LONG, WINDOW_ADVANCE_DEFAULT, Range.atLeast(1L), Importance.HIGH,
                        "How far each window starts after the previous one, in milliseconds. An event falls in "
                                + "size / advance windows, at most " + MAX_WINDOWS_PER_EVENT + ".",
                        GROUP_WINDOWS, ++order, Width.SHORT, "Window advance")
                .define(WINDOW_GRACE_CONFIG, Type.LONG, WINDOW_GRACE_DEFAULT, Range.atLeast(0L), Importance.HIGH,
                        "How far behind its own topic partition an event may arrive and still count, in "
                                + "event-time milliseconds: an event is late, and counted only in the late events "
                                + "topic, if a record at least this much newer came before it in its topic "
                                + "partition. Events are applied in event-time order this long behind the input, "
                                + "so a window's final row is emitted once every input partition passes its end "
                                + "+ grace.",
                        GROUP_WINDOWS, ++order, Width.SHORT, "Grace period")
                .define(SESSION_TIMEOUT_CONFIG, Type.LONG, SESSION_TIMEOUT_DEFAULT, Range.atLeast(1L),
                        Importance.MEDIUM, "Event time after a session's last event at which a session without "
                                + "sign_out is closed. Such a session counts in the windows of that closing time; "
                                + "its duration runs from sign-in to its last event.",
                        GROUP_WINDOWS, ++order, Width.SHORT, "Session timeout");

        order = 0;
        def.define(DEDUP_RETENTION_CONFIG, Type.LONG, DEDUP_RETENTION_DEFAULT, Range.atLeast(1L), Importance.MEDIUM,
                "How long event ids are remembered to drop duplicates, in event-time milliseconds; at least window "
                        + "size + grace. An event more than this behind the largest timestamp its topic partition "
                        + "has carried can no longer be deduplicated and goes to the dead-letter topic (reason "
                        + "'expired').",
                GROUP_DATA_QUALITY, ++order, Width.SHORT, "Deduplication horizon")
                .define(ALIGNMENT_IDLE_CONFIG, Type.LONG, ALIGNMENT_IDLE_DEFAULT, Range.atLeast(0L), Importance.LOW,
                        "Events wait until every input topic partition, and then every input partition, has "
                                + "reached their event time, so that partitions processed at different speeds (a "
                                + "backfill, a restart, a producer that starts later) do not make each other's "
                                + "events late. One that sends nothing for this long, in wall-clock milliseconds "
                                + "counted from the first record the stage saw, stops holding the others back "
                                + "until it sends again; what it then sends behind them counts as late. Longer "
                                + "covers longer outages (a Connect worker restart takes about a minute) at the "
                                + "cost of final rows that much later when a producer stops for good.",
                        GROUP_DATA_QUALITY, ++order, Width.SHORT, "Alignment idle time");

        order = 0;
        def.define(LIFECYCLE_NEW_CONFIG, Type.LONG, LIFECYCLE_NEW_DEFAULT, Range.atLeast(0L), Importance.MEDIUM,
                        "How long after registration a user is 'new', in event-time milliseconds.",
                        GROUP_USER_SEGMENTS, ++order, Width.SHORT, "New-user period")
                .define(LIFECYCLE_AT_RISK_CONFIG, Type.LONG, LIFECYCLE_AT_RISK_DEFAULT, Range.atLeast(1L),
                        Importance.MEDIUM, "Event time without any event after which a user is 'at_risk' rather "
                                + "than 'active'.",
                        GROUP_USER_SEGMENTS, ++order, Width.SHORT, "At risk after")
                .define(LIFECYCLE_DORMANT_CONFIG, Type.LONG, LIFECYCLE_DORMANT_DEFAULT, Range.atLeast(1L),
                        Importance.MEDIUM, "Event time without any event after which a user is 'dormant'; longer "
                                + "than the at-risk threshold.",
                        GROUP_USER_SEGMENTS, ++order, Width.SHORT, "Dormant after")
                .define(VALUE_RECENCY_CONFIG, Type.LONG, VALUE_RECENCY_DEFAULT, Range.atLeast(1L), Importance.MEDIUM,
                        "Event time after the last check-out at which a buyer's value segment becomes 'lapsed'.",
                        GROUP_USER_SEGMENTS, ++order, Width.SHORT, "Value recency")
                .define(VALUE_HIGH_ORDERS_CONFIG, Type.INT, VALUE_HIGH_ORDERS_DEFAULT, Range.atLeast(1),
                        Importance.MEDIUM, "Check-outs from which a recent buyer meets the frequency bar: 'high' "
                                + "with the revenue bar as well, 'medium' with one of the two, 'low' with neither.",
                        GROUP_USER_SEGMENTS, ++order, Width.SHORT, "High-value orders")
                .define(VALUE_HIGH_REVENUE_CONFIG, Type.LONG, VALUE_HIGH_REVENUE_DEFAULT, Range.atLeast(1L),
                        Importance.MEDIUM, "Total check-out revenue in cents from which a recent buyer meets the "
                                + "monetary bar.",
                        GROUP_USER_SEGMENTS, ++order, Width.SHORT, "High-value revenue");

        RegistryConfig.define(def, GROUP_REGISTRY, 1);
        return def;
    }

    private static void defineTopic(ConfigDef def, String key, EventType type, int order) {
        def.define(key, Type.STRING, type.defaultTopic(), TOPIC_NAME, Importance.HIGH,
                "Input topic of " + type.defaultTopic() + " events (Avro " + type.recordName() + ").",
                GROUP_INPUT_TOPICS, order, Width.MEDIUM, type.displayName() + " topic");
    }

    private static void defineOutput(ConfigDef def, String key, String defaultTopic, int order, String displayName,
                                     String doc) {
        def.define(key, Type.STRING, defaultTopic, TOPIC_NAME, Importance.HIGH, doc, GROUP_OUTPUT_TOPICS, order,
                Width.MEDIUM, displayName);
    }

    private static ConfigDef.Validator topicName() {
        Pattern legal = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
        String description = "a Kafka topic name: 1 to 249 of the characters a-z A-Z 0-9 . _ -";
        return ConfigDef.LambdaValidator.with((name, value) -> {
            if (!(value instanceof String topic) || !legal.matcher(topic).matches() || topic.matches("\\.+")) {
                throw new ConfigException(name, value, "must be " + description);
            }
        }, () -> description);
    }

    private void checkWindows() {
        long size = getLong(WINDOW_SIZE_CONFIG);
        long advance = getLong(WINDOW_ADVANCE_CONFIG);
        long grace = getLong(WINDOW_GRACE_CONFIG);
        if (advance > size) {
            throw new ConfigException(WINDOW_ADVANCE_CONFIG, advance, "must not exceed " + WINDOW_SIZE_CONFIG
                    + " (" + size + "), or events would fall between windows");
        }
        if (size % advance != 0 || size / advance > MAX_WINDOWS_PER_EVENT) {
            throw new ConfigException(WINDOW_SIZE_CONFIG, size, "must be a multiple of " + WINDOW_ADVANCE_CONFIG
                    + " (" + advance + ") and at most " + MAX_WINDOWS_PER_EVENT + " times it, so every event falls "
                    + "in the same number of windows");
        }
        // A user's distinct-user bits reach this far back; older windows must be closed by then.
        if (size + grace > (WindowSpec.HISTORY_WINDOWS - 1) * advance) {
            throw new ConfigException(WINDOW_GRACE_CONFIG, grace, "size + grace must stay below "
                    + (WindowSpec.HISTORY_WINDOWS - 1) + " times " + WINDOW_ADVANCE_CONFIG);
        }
        long dedup = getLong(DEDUP_RETENTION_CONFIG);
        if (dedup < size + grace) {
            throw new ConfigException(DEDUP_RETENTION_CONFIG, dedup, "must be at least " + WINDOW_SIZE_CONFIG
                    + " + " + WINDOW_GRACE_CONFIG + " (" + (size + grace) + "), or a duplicate could still be counted");
        }
    }

    private void checkUserSegments() {
        long atRisk = getLong(LIFECYCLE_AT_RISK_CONFIG);
        long dormant = getLong(LIFECYCLE_DORMANT_CONFIG);
        if (dormant <= atRisk) {
            throw new ConfigException(LIFECYCLE_DORMANT_CONFIG, dormant, "must be longer than "
                    + LIFECYCLE_AT_RISK_CONFIG + " (" + atRisk + ")");
        }
    }

    /** The event type of each input topic: the inverse of {@link #inputTopics()}. */
    public Map<String, EventType> eventTypesByTopic() {
        Map<String, EventType> types = new HashMap<>();
        inputTopics().forEach((type, topic) -> types.put(topic, type));
        return types;
    }

    /** The input topic of each event type. */
    public Map<EventType, String> inputTopics() {
        return Map.of(
                EventType.USER_REGISTRATION, getString(REGISTRATION_TOPIC_CONFIG),
                EventType.SIGN_IN, getString(SIGN_IN_TOPIC_CONFIG),
                EventType.SIGN_OUT, getString(SIGN_OUT_TOPIC_CONFIG),
                EventType.ITEM_VIEW, getString(ITEM_VIEW_TOPIC_CONFIG),
                EventType.ADD_TO_CART, getString(ADD_TO_CART_TOPIC_CONFIG),
                EventType.CHECK_OUT, getString(CHECK_OUT_TOPIC_CONFIG));
    }

    public String registrationTopic() {
        return getString(REGISTRATION_TOPIC_CONFIG);
    }

    public String registrationsOutputTopic() {
        return getString(REGISTRATIONS_OUTPUT_TOPIC_CONFIG);
    }

    public String activeUsersOutputTopic() {
        return getString(ACTIVE_USERS_OUTPUT_TOPIC_CONFIG);
    }

    public String sessionsOutputTopic() {
        return getString(SESSIONS_OUTPUT_TOPIC_CONFIG);
    }

    public String funnelOutputTopic() {
        return getString(FUNNEL_OUTPUT_TOPIC_CONFIG);
    }

    public String revenueOutputTopic() {
        return getString(REVENUE_OUTPUT_TOPIC_CONFIG);
    }

    public String lateEventsOutputTopic() {
        return getString(LATE_EVENTS_OUTPUT_TOPIC_CONFIG);
    }

    public String userSegmentsOutputTopic() {
        return getString(USER_SEGMENTS_OUTPUT_TOPIC_CONFIG);
    }

    public String deadLetterTopic() {
        return getString(DEAD_LETTER_TOPIC_CONFIG);
    }

    /** The windowed metric topics, which hold one final row per window and segment. */
    public List<String> windowedOutputTopics() {
        return List.of(registrationsOutputTopic(), activeUsersOutputTopic(), sessionsOutputTopic(),
                funnelOutputTopic(), revenueOutputTopic());
    }

    public int topicPartitions() {
        return getInt(TOPIC_PARTITIONS_CONFIG);
    }

    /** Window size, advance and grace together, with the arithmetic every stage shares. */
    public WindowSpec windows() {
        return new WindowSpec(getLong(WINDOW_SIZE_CONFIG), getLong(WINDOW_ADVANCE_CONFIG), getLong(WINDOW_GRACE_CONFIG));
    }

    public long sessionTimeoutMs() {
        return getLong(SESSION_TIMEOUT_CONFIG);
    }

    public long dedupRetentionMs() {
        return getLong(DEDUP_RETENTION_CONFIG);
    }

    public long alignmentIdleMs() {
        return getLong(ALIGNMENT_IDLE_CONFIG);
    }

    /** The thresholds of the lifecycle and value segments. */
    public UserSegmentRules userSegmentRules() {
        return new UserSegmentRules(getLong(LIFECYCLE_NEW_CONFIG), getLong(LIFECYCLE_AT_RISK_CONFIG),
                getLong(LIFECYCLE_DORMANT_CONFIG), getLong(VALUE_RECENCY_CONFIG), getInt(VALUE_HIGH_ORDERS_CONFIG),
                getLong(VALUE_HIGH_REVENUE_CONFIG));
    }

    /** Where the schema registry is and how to sign in to it. */
    public RegistrySettings registrySettings() {
        return RegistryConfig.settings(this);
    }
}
