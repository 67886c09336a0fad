package dev.segmentation.simulator;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

import dev.segmentation.simulator.journey.Imperfections;
import dev.segmentation.simulator.journey.JourneySettings;
import dev.segmentation.simulator.journey.ProfileDistributions;
import dev.segmentation.simulator.journey.Weighted;

/**
 * The keys that shape the simulated users and their journeys, and the imperfect data mixed in on demand.
 * Part of {@link UserEventSourceConnectorConfig}, kept apart because these keys change what is simulated,
 * while the others change where and how fast it is sent.
 */
public final class JourneyConfig {

    static final String GROUP_USERS = "Users";
    static final String GROUP_JOURNEYS = "Journeys";
    static final String GROUP_IMPERFECTIONS = "Imperfect data";

    public static final String REGISTRATIONS_PER_HOUR_CONFIG = "registrations.per.hour";
    private static final String REGISTRATIONS_PER_HOUR_DOC = "Mean number of new users registering per simulated "
            + "hour, over all tasks. Arrivals follow a Poisson process.";
    public static final double REGISTRATIONS_PER_HOUR_DEFAULT = 600.0;

    public static final String SESSIONS_PER_HOUR_CONFIG = "returning.sessions.per.hour";
    private static final String SESSIONS_PER_HOUR_DOC = "Mean number of sessions of already registered users per "
            + "simulated hour, over all tasks. Recent and engaged users return more often, so older users drift "
            + "towards at-risk and dormant.";
    public static final double SESSIONS_PER_HOUR_DEFAULT = 1_800.0;

    public static final String AGE_BANDS_CONFIG = "users.age.bands";
    private static final String AGE_BANDS_DOC = "Distribution of age bands, as band:weight pairs (bands lowest-"
            + "highest within 13-120, or lowest+ for ages from lowest to 80). Weights are relative. The "
            + "default uses the Streams stage's band names.";
    public static final String AGE_BANDS_DEFAULT = "18-24:22,25-34:34,35-44:20,45-54:12,55-64:8,65+:4";

    public static final String LANGUAGES_CONFIG = "users.languages";
    private static final String LANGUAGES_DOC = "Distribution of preferred languages (ISO 639-1), as value:weight.";
    public static final String LANGUAGES_DEFAULT = "en:45,es:20,de:12,fr:10,pt:8,ja:5";

    public static final String EMAIL_DOMAINS_CONFIG = "users.email.domains";
    private static final String EMAIL_DOMAINS_DOC = "Distribution of e-mail domains, as value:weight.";
    public static final String EMAIL_DOMAINS_DEFAULT =
            "gmail.com:42,outlook.com:18,yahoo.com:12,icloud.com:10,proton.me:5,corp.example:13";

    public static final String COUNTRIES_CONFIG = "users.countries";
    private static final String COUNTRIES_DOC = "Distribution of countries (ISO 3166-1 alpha-2), as value:weight.";
    public static final String COUNTRIES_DEFAULT = "US:35,GB:12,DE:12,ES:10,FR:10,BR:9,IN:7,JP:5";

    public static final String CHANNELS_CONFIG = "users.channels";
    private static final String CHANNELS_DOC = "Distribution of acquisition channels, as value:weight.";
    public static final String CHANNELS_DEFAULT =
            "organic_search:30,paid_social:22,paid_search:18,referral:15,email:10,affiliate:5";

    public static final String DEVICES_CONFIG = "users.devices";
    private static final String DEVICES_DOC = "Distribution of devices, as value:weight. A session uses the "
            + "user's registration device four times in five.";
    public static final String DEVICES_DEFAULT = "mobile_ios:35,mobile_android:35,desktop:25,tablet:5";

    public static final String VIEWS_PER_SESSION_CONFIG = "views.per.session";
    private static final String VIEWS_PER_SESSION_DOC = "Mean number of item views per session (geometric, at "
            + "least 1, at most 50).";
    public static final double VIEWS_PER_SESSION_DEFAULT = 6.0;

    public static final String ADD_TO_CART_PROBABILITY_CONFIG = "add.to.cart.probability";
    private static final String ADD_TO_CART_PROBABILITY_DOC = "Chance that an item view leads to adding the item "
            + "to the cart, for a user of average engagement; engaged users add more.";
    public static final double ADD_TO_CART_PROBABILITY_DEFAULT = 0.2;

    public static final String CHECK_OUT_PROBABILITY_CONFIG = "check.out.probability";
    private static final String CHECK_OUT_PROBABILITY_DOC = "Chance that a session with a non-empty cart ends in "
            + "a check-out, for a user of average engagement.";
    public static final double CHECK_OUT_PROBABILITY_DEFAULT = 0.45;

    public static final String SIGN_OUT_PROBABILITY_CONFIG = "sign.out.probability";
    private static final String SIGN_OUT_PROBABILITY_DOC = "Chance that a session ends with a sign_out event; the "
            + "others are abandoned, and downstream closes them after a timeout.";
    public static final double SIGN_OUT_PROBABILITY_DEFAULT = 0.8;

    public static final String LATE_FRACTION_CONFIG = "late.fraction";
    private static final String LATE_FRACTION_DOC = "Share of events sent late: the event time is kept and the "
            + "record is sent up to late.max.ms later, behind events that happened after it.";
    public static final String LATE_MAX_MS_CONFIG = "late.max.ms";
    private static final String LATE_MAX_MS_DOC = "Longest delay of a late event, in milliseconds of event time.";
    public static final long LATE_MAX_MS_DEFAULT = 30 * 60_000L;

    public static final String OUT_OF_ORDER_FRACTION_CONFIG = "out.of.order.fraction";
    private static final String OUT_OF_ORDER_FRACTION_DOC = "Share of events sent slightly out of order: up to "
            + "out.of.order.max.ms after their event time.";
    public static final String OUT_OF_ORDER_MAX_MS_CONFIG = "out.of.order.max.ms";
    private static final String OUT_OF_ORDER_MAX_MS_DOC = "Longest delay of an out-of-order event, in milliseconds.";
    public static final long OUT_OF_ORDER_MAX_MS_DEFAULT = 60_000L;

    public static final String DUPLICATE_FRACTION_CONFIG = "duplicate.fraction";
    private static final String DUPLICATE_FRACTION_DOC = "Share of events sent twice; both copies carry the same "
            + "event_id, so downstream can deduplicate.";

    public static final String MALFORMED_FRACTION_CONFIG = "malformed.fraction";
    private static final String MALFORMED_FRACTION_DOC = "Share of events sent malformed: to topic.malformed as "
            + "truncated text when that topic is set, otherwise to their own topic with an empty user_id and "
            + "schema_version 0.";

    private JourneyConfig() {
    }

    static void define(ConfigDef def) {
        int order = 0;
        def.define(REGISTRATIONS_PER_HOUR_CONFIG, Type.DOUBLE, REGISTRATIONS_PER_HOUR_DEFAULT,
                        Range.between(0.001, 100_000_000.0), Importance.HIGH, REGISTRATIONS_PER_HOUR_DOC,
                        GROUP_USERS, ++order, Width.SHORT, "Registrations per hour")
                .define(SESSIONS_PER_HOUR_CONFIG, Type.DOUBLE, SESSIONS_PER_HOUR_DEFAULT,
                        Range.between(0.0, 100_000_000.0), Importance.HIGH, SESSIONS_PER_HOUR_DOC,
                        GROUP_USERS, ++order, Width.SHORT, "Returning sessions per hour")
                .define(AGE_BANDS_CONFIG, Type.STRING, AGE_BANDS_DEFAULT, new DistributionValidator(true),
                        Importance.MEDIUM, AGE_BANDS_DOC, GROUP_USERS, ++order, Width.LONG, "Age bands")
                .define(LANGUAGES_CONFIG, Type.STRING, LANGUAGES_DEFAULT, new DistributionValidator(false),
                        Importance.MEDIUM, LANGUAGES_DOC, GROUP_USERS, ++order, Width.LONG, "Languages")
                .define(EMAIL_DOMAINS_CONFIG, Type.STRING, EMAIL_DOMAINS_DEFAULT, new DistributionValidator(false),
                        Importance.MEDIUM, EMAIL_DOMAINS_DOC, GROUP_USERS, ++order, Width.LONG, "E-mail domains")
                .define(COUNTRIES_CONFIG, Type.STRING, COUNTRIES_DEFAULT, new DistributionValidator(false),
                        Importance.LOW, COUNTRIES_DOC, GROUP_USERS, ++order, Width.LONG, "Countries")
                .define(CHANNELS_CONFIG, Type.STRING, CHANNELS_DEFAULT, new DistributionValidator(false),
                        Importance.LOW, CHANNELS_DOC, GROUP_USERS, ++order, Width.LONG, "Acquisition channels")
                .define(DEVICES_CONFIG, Type.STRING, DEVICES_DEFAULT, new DistributionValidator(false),
                        Importance.LOW, DEVICES_DOC, GROUP_USERS, ++order, Width.LONG, "Devices");
        order = 0;
        def.define(VIEWS_PER_SESSION_CONFIG, Type.DOUBLE, VIEWS_PER_SESSION_DEFAULT, Range.between(1.0, 50.0),
                        Importance.MEDIUM, VIEWS_PER_SESSION_DOC, GROUP_JOURNEYS, ++order, Width.SHORT,
                        "Views per session")
                .define(ADD_TO_CART_PROBABILITY_CONFIG, Type.DOUBLE, ADD_TO_CART_PROBABILITY_DEFAULT,
                        Range.between(0.0, 1.0), Importance.MEDIUM, ADD_TO_CART_PROBABILITY_DOC, GROUP_JOURNEYS,
                        ++order, Width.SHORT, "Add-to-cart probability")
                .define(CHECK_OUT_PROBABILITY_CONFIG, Type.DOUBLE, CHECK_OUT_PROBABILITY_DEFAULT,
                        Range.between(0.0, 1.0), Importance.MEDIUM, CHECK_OUT_PROBABILITY_DOC, GROUP_JOURNEYS,
                        ++order, Width.SHORT, "Check-out probability")
                .define(SIGN_OUT_PROBABILITY_CONFIG, Type.DOUBLE, SIGN_OUT_PROBABILITY_DEFAULT,
                        Range.between(0.0, 1.0), Importance.MEDIUM, SIGN_OUT_PROBABILITY_DOC, GROUP_JOURNEYS,
                        ++order, Width.SHORT, "Sign-out probability");
        order = 0;
        def.define(LATE_FRACTION_CONFIG, Type.DOUBLE, 0.0, Range.between(0.0, 1.0), Importance.LOW,
                        LATE_FRACTION_DOC, GROUP_IMPERFECTIONS, ++order, Width.SHORT, "Late events")
                .define(LATE_MAX_MS_CONFIG, Type.LONG, LATE_MAX_MS_DEFAULT, Range.between(1L, 30L * 86_400_000L),
                        Importance.LOW, LATE_MAX_MS_DOC, GROUP_IMPERFECTIONS, ++order, Width.SHORT, "Maximum lateness")
                .define(OUT_OF_ORDER_FRACTION_CONFIG, Type.DOUBLE, 0.0, Range.between(0.0, 1.0), Importance.LOW,
                        OUT_OF_ORDER_FRACTION_DOC, GROUP_IMPERFECTIONS, ++order, Width.SHORT, "Out-of-order events")
                .define(OUT_OF_ORDER_MAX_MS_CONFIG, Type.LONG, OUT_OF_ORDER_MAX_MS_DEFAULT,
                        Range.between(1L, 86_400_000L), Importance.LOW, OUT_OF_ORDER_MAX_MS_DOC,
                        GROUP_IMPERFECTIONS, ++order, Width.SHORT, "Maximum disorder")
                .define(DUPLICATE_FRACTION_CONFIG, Type.DOUBLE, 0.0, Range.between(0.0, 1.0), Importance.LOW,
                        DUPLICATE_FRACTION_DOC, GROUP_IMPERFECTIONS, ++order, Width.SHORT, "Duplicate events")
                .define(MALFORMED_FRACTION_CONFIG, Type.DOUBLE, 0.0, Range.between(0.0, 1.0), Importance.LOW,
                        MALFORMED_FRACTION_DOC, GROUP_IMPERFECTIONS, ++order, Width.SHORT, "Malformed events");
    }

    /** The sum of the imperfection fractions, which must not exceed 1. */
    static double imperfectionTotal(AbstractConfig config) {
        return config.getDouble(LATE_FRACTION_CONFIG) + config.getDouble(OUT_OF_ORDER_FRACTION_CONFIG)
                + config.getDouble(DUPLICATE_FRACTION_CONFIG) + config.getDouble(MALFORMED_FRACTION_CONFIG);
    }

    /** The settings of one task, which simulates its share of the connector's rates. */
    static JourneySettings settings(AbstractConfig config, long seed, TaskSlice slice) {
        ProfileDistributions profiles = new ProfileDistributions(
                Weighted.parse(config.getString(AGE_BANDS_CONFIG)),
                Weighted.parse(config.getString(LANGUAGES_CONFIG)),
                Weighted.parse(config.getString(EMAIL_DOMAINS_CONFIG)),
                Weighted.parse(config.getString(COUNTRIES_CONFIG)),
                Weighted.parse(config.getString(CHANNELS_CONFIG)),
                Weighted.parse(config.getString(DEVICES_CONFIG)));
        Imperfections imperfections = new Imperfections(
                config.getDouble(LATE_FRACTION_CONFIG), config.getLong(LATE_MAX_MS_CONFIG),
                config.getDouble(OUT_OF_ORDER_FRACTION_CONFIG), config.getLong(OUT_OF_ORDER_MAX_MS_CONFIG),
                config.getDouble(DUPLICATE_FRACTION_CONFIG), config.getDouble(MALFORMED_FRACTION_CONFIG));
        return new JourneySettings(seed, slice.index(),
                config.getDouble(REGISTRATIONS_PER_HOUR_CONFIG) / slice.count(),
                config.getDouble(SESSIONS_PER_HOUR_CONFIG) / slice.count(),
                config.getDouble(VIEWS_PER_SESSION_CONFIG),
                config.getDouble(ADD_TO_CART_PROBABILITY_CONFIG),
                config.getDouble(CHECK_OUT_PROBABILITY_CONFIG),
                config.getDouble(SIGN_OUT_PROBABILITY_CONFIG),
                profiles, imperfections);
    }

    /** Accepts {@code value:weight} lists, and for age bands checks each band, naming what is wrong. */
    static final class DistributionValidator implements ConfigDef.Validator {
        private final boolean ageBands;

        DistributionValidator(boolean ageBands) {
            this.ageBands = ageBands;
        }

        @Override
        public void ensureValid(String name, Object value) {
            try {
                Weighted weighted = Weighted.parse((String) value);
                if (ageBands) {
                    new ProfileDistributions(weighted, weighted, weighted, weighted, weighted, weighted);
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage() + "; expected " + this);
            }
        }

        @Override
        public String toString() {
            return ageBands ? "comma-separated band:weight pairs, e.g. 18-24:30,25-34:70"
                    : "comma-separated value:weight pairs, e.g. en:60,de:40";
        }
    }
}
