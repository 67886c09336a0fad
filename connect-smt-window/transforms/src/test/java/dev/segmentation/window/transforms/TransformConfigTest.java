package dev.segmentation.window.transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The transforms' configuration: documented in full, and refusing bad settings by name before any record. */
class TransformConfigTest {

    static Stream<Class<?>> transforms() {
        return TransformClasses.concreteTransformations().stream();
    }

    /**
     * What a key lacks for the generated docs and the validate endpoint. A display name equal to the key is what
     * {@code ConfigDef} fills in when none was given, so it counts as missing.
     */
    static List<String> problems(ConfigDef def) {
        List<String> problems = new ArrayList<>();
        Map<String, Set<Integer>> ordersByGroup = new HashMap<>();
        for (ConfigKey key : def.configKeys().values()) {
            String name = key.name;
            if (key.documentation == null || key.documentation.isBlank()) {
                problems.add(name + ": no documentation");
            }
            if (key.displayName == null || key.displayName.isBlank() || key.displayName.equals(name)) {
                problems.add(name + ": no display name");
            }
            if (key.group == null || key.group.isBlank()) {
                problems.add(name + ": no group");
            } else if (key.orderInGroup < 1
                    || !ordersByGroup.computeIfAbsent(key.group, g -> new HashSet<>()).add(key.orderInGroup)) {
                problems.add(name + ": order " + key.orderInGroup + " is not a distinct position in its group");
            }
            if (key.width == null || key.width == Width.NONE) {
                problems.add(name + ": no width");
            }
            // A boolean can only parse as true or false; every other type can take values its key must refuse.
            if (key.type != Type.BOOLEAN && key.validator == null) {
                problems.add(name + ": no validator");
            } else if (key.validator != null && key.validator.toString().isBlank()) {
                problems.add(name + ": validator without a description for the docs");
            }
        }
        return problems;
    }

    @Test
    void theCheckCatchesAnUndocumentedKey() {
        ConfigDef bare = new ConfigDef().define("fields", Type.LIST, Importance.HIGH, "");

        assertThat(problems(bare)).containsExactlyInAnyOrder("fields: no documentation", "fields: no display name",
                "fields: no group", "fields: no width", "fields: no validator");
    }

    @ParameterizedTest
    @MethodSource("transforms")
    void everyKeyIsFullyDocumented(Class<?> type) throws ReflectiveOperationException {
        Transformation<SinkRecord> transform = TransformClasses.instantiate(type);
        ConfigDef published = (ConfigDef) type.getField("CONFIG_DEF").get(null);

        assertThat(transform.config()).as("config() returns the public CONFIG_DEF").isSameAs(published);
        assertThat(published.names()).isNotEmpty();
        assertThat(problems(published)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("transforms")
    void versionIsTheBuiltProjectVersion(Class<?> type) {
        String built = System.getProperty("project.version");

        assertThat(built).as("set by the surefire configuration").isNotBlank();
        assertThat(TransformClasses.instantiate(type)).isInstanceOf(Versioned.class);
        assertThat(((Versioned) TransformClasses.instantiate(type)).version()).isEqualTo(built);
    }

    static Stream<Arguments> badSettings() {
        String timestampKey = TimestampFields.Key.class.getName();
        String timestampValue = TimestampFields.Value.class.getName();
        String copyKey = CopyFields.Key.class.getName();
        String copyValue = CopyFields.Value.class.getName();
        String topicToTable = TopicToTable.class.getName();
        return Stream.of(
                Arguments.of(timestampKey, Map.of(), "fields"),
                Arguments.of(timestampValue, Map.of(), "fields"),
                Arguments.of(timestampValue, Map.of("fields", ""), "fields"),
                Arguments.of(timestampValue, Map.of("fields", "window_start,window_start"), "fields"),
                Arguments.of(timestampValue, Map.of("fields", "window_start,,window_end"), "fields"),
                Arguments.of(copyKey, Map.of(), "fields"),
                Arguments.of(copyValue, Map.of(), "fields"),
                Arguments.of(copyValue, Map.of("fields", "metric", "overwrite", "sometimes"), "overwrite"),
                Arguments.of(copyValue, Map.of("fields", "metric", "primitive.key.field", ""),
                        "primitive.key.field"),
                Arguments.of(topicToTable, Map.of("case", "title"), "case"),
                Arguments.of(topicToTable, Map.of("separator.replacement", "."), "separator.replacement"),
                Arguments.of(topicToTable, Map.of("table.prefix", "agg-"), "table.prefix"),
                Arguments.of(topicToTable, Map.of("prefix.strip", "segmentation/"), "prefix.strip"));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("badSettings")
    void aBadSettingIsRefusedNamingItsKey(String className, Map<String, String> props, String key) {
        Transformation<SinkRecord> transform = TransformClasses.instantiate(TransformClasses.load(className));

        assertThatThrownBy(() -> transform.configure(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(key);
    }
}
