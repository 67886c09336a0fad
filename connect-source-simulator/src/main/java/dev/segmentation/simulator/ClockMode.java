package dev.segmentation.simulator;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;

/** How the simulator's event time relates to the wall clock. */
public enum ClockMode {
    /** One simulated second per wall-clock second. */
    REALTIME,
    /** {@code clock.acceleration} simulated seconds per wall-clock second. */
    ACCELERATED,
    /** A fixed event-time range, produced as fast as the task can go. */
    BACKFILL;

    /** The lowercase name used in connector configurations. */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    static ClockMode fromConfigValue(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }

    static ConfigDef.Validator validator() {
        return ConfigDef.CaseInsensitiveValidString.in(configValues().toArray(String[]::new));
    }

    static ConfigDef.Recommender recommender() {
        return new ConfigDef.Recommender() {
            @Override
            public List<Object> validValues(String name, Map<String, Object> parsedConfig) {
                return List.copyOf(configValues());
            }

            @Override
            public boolean visible(String name, Map<String, Object> parsedConfig) {
                return true;
            }
        };
    }

    private static List<String> configValues() {
        return Arrays.stream(values()).map(ClockMode::configValue).toList();
    }
}
