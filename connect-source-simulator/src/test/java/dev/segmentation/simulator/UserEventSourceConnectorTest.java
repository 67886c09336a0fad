package dev.segmentation.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.junit.jupiter.api.Test;

import dev.segmentation.simulator.journey.SimulationState;

class UserEventSourceConnectorTest {

    private final UserEventSourceConnector connector = new UserEventSourceConnector();

    private Map<String, List<String>> errors(Map<String, String> config) {
        return connector.validate(config).configValues().stream()
                .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }

    @Test
    void backfillWithoutStartOrEndIsRefusedOnThoseKeys() {
        Map<String, List<String>> errors = errors(Map.of("clock", "backfill"));
        assertThat(errors.get("clock.start")).singleElement().asString().contains("clock.start");
        assertThat(errors.get("clock.end")).singleElement().asString().contains("clock.end");
    }

    @Test
    void endBeforeStartIsRefusedOnClockEnd() {
        Map<String, List<String>> errors = errors(Map.of("clock", "backfill",
                "clock.start", "2026-01-02T00:00:00Z", "clock.end", "2026-01-01T00:00:00Z"));
        assertThat(errors.get("clock.end")).singleElement().asString().contains("must be after clock.start");
        assertThat(errors.get("clock.start")).isEmpty();
    }

    @Test
    void singleKeyMistakesNameTheKey() {
        assertThat(errors(Map.of("clock", "sundial")).get("clock")).isNotEmpty();
        assertThat(errors(Map.of("clock.start", "yesterday")).get("clock.start"))
                .singleElement().asString().contains("ISO-8601");
        assertThat(errors(Map.of("batch.size", "0")).get("batch.size")).isNotEmpty();
        assertThat(errors(Map.of("registrations.per.hour", "-3")).get("registrations.per.hour")).isNotEmpty();
    }

    @Test
    void aValidConfigurationHasNoErrors() {
        assertThat(errors(Map.of("clock", "backfill", "clock.start", "2026-01-01T00:00:00Z",
                "clock.end", "2026-01-02T00:00:00Z")).values()).allSatisfy(messages -> assertThat(messages).isEmpty());
    }

    @Test
    void rulesAcrossKeysAreReportedOnTheKeyToChange() {
        assertThat(errors(Map.of("late.fraction", "0.6", "duplicate.fraction", "0.5")))
                .hasEntrySatisfying("late.fraction", m -> assertThat(m).singleElement().asString().contains("sum to 1.1"))
                .hasEntrySatisfying("duplicate.fraction", m -> assertThat(m).isNotEmpty())
                .hasEntrySatisfying("malformed.fraction", m -> assertThat(m).isEmpty());
        assertThat(errors(Map.of("topic.sign.out", "sign_in")).get("topic.sign.out"))
                .singleElement().asString().contains("topic.sign.in");
        assertThat(errors(Map.of("topic.malformed", "item_view")).get("topic.malformed"))
                .singleElement().asString().contains("topic.item.view");
        assertThat(errors(Map.of("topic.partitions", "3", "topic.creation.default.partitions", "6"))
                .get("topic.partitions")).singleElement().asString().contains("topic.creation.default.partitions");
        assertThat(errors(Map.of("users.languages", "en:60,de")).get("users.languages"))
                .singleElement().asString().contains("'de' is not of the form value:weight");
        assertThat(errors(Map.of("topic.item.view", "views?")).get("topic.item.view"))
                .singleElement().asString().contains("letters, digits");
        assertThat(errors(Map.of("users.age.bands", "18-24:1,44:2")).get("users.age.bands"))
                .singleElement().asString().contains("must look like 25-34");
    }

    @Test
    void neverMoreTasksThanPartitionsSinceEachTaskOwnsItsOwn() {
        connector.start(Map.of("topic.partitions", "2"));
        assertThat(connector.taskConfigs(5)).hasSize(2);
    }

    @Test
    void eachTaskGetsItsOwnSliceOfTheUsers() {
        connector.start(Map.of("seed", "9", "topic.partitions", "3"));
        List<Map<String, String>> tasks = connector.taskConfigs(3);
        assertThat(tasks).extracting(task -> task.get(TaskSlice.TASK_INDEX_CONFIG)).containsExactly("0", "1", "2");
        assertThat(tasks).allSatisfy(task -> {
            assertThat(task.get(TaskSlice.TASK_COUNT_CONFIG)).isEqualTo("3");
            assertThat(task.get("seed")).isEqualTo("9");
        });
    }

    @Test
    void declaresExactlyOnceSupport() {
        assertThat(connector.exactlyOnceSupport(new HashMap<>())).isEqualTo(ExactlyOnceSupport.SUPPORTED);
    }

    @Test
    void everyKeyIsDocumentedGroupedNamedAndValidated() {
        for (ConfigDef.ConfigKey key : UserEventSourceConnectorConfig.CONFIG_DEF.configKeys().values()) {
            assertThat(key.documentation).as(key.name).isNotBlank();
            if (!key.name.equals(UserEventSourceConnectorConfig.SEED_CONFIG)) {
                assertThat(key.validator).as("validator of %s (any long is a valid seed)", key.name).isNotNull();
            }
            assertThat(key.group).as(key.name).isNotBlank();
            assertThat(key.displayName).as(key.name).isNotBlank().isNotEqualTo(key.name);
        }
    }

    @Test
    void alterOffsetsRefusesOffsetsATaskCouldNotResumeFrom() {
        Map<String, Object> partition = Map.of("task", 0, "tasks", 1);
        Map<String, Object> offset = SimulationState.initial(9L).toOffset();
        Map<String, Object> badOffset = new HashMap<>(offset);
        badOffset.put("events.sent", "five");
        Map<Map<String, ?>, Map<String, ?>> good = Map.of(partition, offset);
        Map<Map<String, ?>, Map<String, ?>> bad = Map.of(partition, badOffset);
        Map<Map<String, ?>, Map<String, ?>> badPartition = Map.of(Map.of("file", "x"), offset);

        assertThat(connector.alterOffsets(Map.of(), good)).isTrue();
        assertThatThrownBy(() -> connector.alterOffsets(Map.of(), bad))
                .hasMessageContaining("events.sent");
        assertThatThrownBy(() -> connector.alterOffsets(Map.of(), badPartition))
                .hasMessageContaining("task");
    }
}
