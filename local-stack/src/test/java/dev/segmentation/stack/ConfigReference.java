package dev.segmentation.stack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.types.Password;

/**
 * Renders a {@link ConfigDef} as Markdown tables, one per group, in the order the keys were declared: the
 * configuration reference in {@code docs/configuration.md}, generated so it can never drift from the code.
 */
final class ConfigReference {

    private ConfigReference() {
    }

    /** A section headed by {@code title} and introduced by {@code intro}, with a table for each group. */
    static String section(String title, String intro, ConfigDef def) {
        Map<String, List<ConfigKey>> groups = new LinkedHashMap<>();
        for (String group : def.groups()) {
            groups.put(group, new ArrayList<>());
        }
        groups.put("Other", new ArrayList<>());
        def.configKeys().values().stream()
                .sorted((a, b) -> Integer.compare(a.orderInGroup, b.orderInGroup))
                .forEach(key -> groups.get(key.group == null ? "Other" : key.group).add(key));

        StringBuilder out = new StringBuilder("## ").append(title).append("\n\n").append(intro).append("\n");
        groups.forEach((group, keys) -> {
            if (keys.isEmpty()) {
                return;
            }
            out.append("\n**").append(group).append("**\n\n")
                    .append("| Key | Type | Default | Valid values | Description |\n")
                    .append("|---|---|---|---|---|\n");
            for (ConfigKey key : keys) {
                out.append("| `").append(key.name).append("` | ").append(key.type.name().toLowerCase())
                        .append(" | ").append(defaultOf(key))
                        .append(" | ").append(key.validator == null ? "" : cell(key.validator.toString()))
                        .append(" | ").append(cell(key.documentation)).append(" |\n");
            }
        });
        return out.toString();
    }

    private static String defaultOf(ConfigKey key) {
        if (!key.hasDefault()) {
            return "*required*";
        }
        Object value = key.defaultValue;
        if (value == null || value instanceof Password) {
            return "";
        }
        String text = value instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
                : String.valueOf(value);
        return text.isEmpty() ? "\"\"" : "`" + text + "`";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
