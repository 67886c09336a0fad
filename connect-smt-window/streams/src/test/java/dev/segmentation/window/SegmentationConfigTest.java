package dev.segmentation.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.segmentation.events.EventType;

/** The application's settings: documented in full, checked by name, and the committed file accepted. */
class SegmentationConfigTest {

    private static final Path COMMITTED = Path.of("..", "..", "connector-configs", "segmentation-streams.properties");

    @Test
    void everyKeyHasDocumentationGroupOrderWidthAndAValidatorTheDocsCanShow() {
        List<String> problems = new ArrayList<>();
        Map<String, Set<Integer>> ordersByGroup = new HashMap<>();
        for (ConfigKey key : SegmentationConfig.CONFIG_DEF.configKeys().values()) {
            if (key.documentation == null || key.documentation.isBlank()) {
                problems.add(key.name + ": no documentation");
            }
            if (key.displayName == null || key.displayName.equals(key.name)) {
                problems.add(key.name + ": no display name");
            }
            if (key.group == null || !ordersByGroup.computeIfAbsent(key.group, g -> new HashSet<>()).add(key.orderInGroup)
                    || key.orderInGroup < 1) {
                problems.add(key.name + ": no group or no distinct order in it");
            }
            if (key.width == null || key.width == Width.NONE) {
                problems.add(key.name + ": no width");
            }
            if (key.type != Type.BOOLEAN && (key.validator == null || key.validator.toString().isBlank())) {
                problems.add(key.name + ": no validator with a description");
            }
        }
        assertThat(problems).isEmpty();
        assertThat(SegmentationConfig.CONFIG_DEF.names()).hasSize(30);
    }

    @Test
    void theCommittedPropertiesFileIsAccepted() throws IOException {
        Properties file = new Properties();
        try (Reader in = Files.newBufferedReader(COMMITTED)) {
            file.load(in);
        }
        // What the launcher's environment gives the env config provider; the test's own environment has none of it.
        file.replaceAll((key, value) -> value.toString().replace("${env:SCHEMA_REGISTRY_URL}", "http://127.0.0.1:8081"));
        SegmentationConfig config = new SegmentationConfig(file);

        assertThat(config.windows()).isEqualTo(new WindowSpec(3_600_000L, 900_000L, 900_000L));
        Properties streams = SegmentationApp.streamsConfig(file);
        assertThat(streams).doesNotContainKeys(SegmentationConfig.CONFIG_DEF.names().toArray());
        assertThat(streams.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(streams.get(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("segmentation");
    }

    @Test
    void defaultsAreExactlyOnceAndCommitEverySecondUnlessTheFileSaysOtherwise() {
        Properties streams = SegmentationApp.streamsConfig(new Properties());
        assertThat(streams.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(streams.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(1_000L);

        Properties file = new Properties();
        file.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "250");
        file.put(SegmentationConfig.WINDOW_GRACE_CONFIG, "60000");
        Properties overridden = SegmentationApp.streamsConfig(file);
        assertThat(overridden.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo("250");
        assertThat(overridden).doesNotContainKey(SegmentationConfig.WINDOW_GRACE_CONFIG);
    }

    @Test
    void tasksCatchingUpPollBufferAndFetchLittleAtATimeUnlessTheFileSaysOtherwise() {
        Properties streams = SegmentationApp.streamsConfig(new Properties());
        assertThat(streams.get(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG)).isEqualTo(100);
        assertThat(streams.get("main.consumer.max.poll.records")).isEqualTo(100);
        assertThat(streams.get("main.consumer.max.partition.fetch.bytes")).isEqualTo(128 * 1024);
        // Kafka Streams accepts them as they are.
        streams.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        StreamsConfig config = new StreamsConfig(streams);
        assertThat(config.getMainConsumerConfigs("group", "client", 0))
                .containsEntry("max.poll.records", 100).containsEntry("max.partition.fetch.bytes", 128 * 1024);

        Properties file = new Properties();
        file.put("main.consumer.max.poll.records", "1000");
        assertThat(SegmentationApp.streamsConfig(file).get("main.consumer.max.poll.records")).isEqualTo("1000");
    }

    @Test
    void internalTopicsAreCheckedWithoutTheDefaultTenthOfASecondBetweenThem() {
        Properties streams = SegmentationApp.streamsConfig(new Properties());
        streams.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        StreamsConfig config = new StreamsConfig(streams);
        assertThat(config.getLong(StreamsConfig.RETRY_BACKOFF_MS_CONFIG)).isEqualTo(10L);
        // Clients begin their retries there, and back off exponentially to Kafka's default ceiling.
        assertThat(config.getProducerConfigs("client")).containsEntry("retry.backoff.ms", 10L)
                .doesNotContainKey("retry.backoff.max.ms");
    }

    @Test
    void theRestoreConsumerWaitsATenthOfASecondForChangelogDataNotHalfOfOne() {
        Properties streams = SegmentationApp.streamsConfig(new Properties());
        streams.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        StreamsConfig config = new StreamsConfig(streams);
        assertThat(config.getRestoreConsumerConfigs("client")).containsEntry("fetch.max.wait.ms", 100);
        assertThat(config.getMainConsumerConfigs("group", "client", 0)).doesNotContainKey("fetch.max.wait.ms");

        Properties file = new Properties();
        file.put("restore.consumer.fetch.max.wait.ms", "500");
        assertThat(SegmentationApp.streamsConfig(file).get("restore.consumer.fetch.max.wait.ms")).isEqualTo("500");
    }

    @ParameterizedTest
    @CsvSource({
            "segmentation.window.advance.ms, 7200000, segmentation.window.advance.ms",
            "segmentation.window.advance.ms, 1000000, segmentation.window.size.ms",
            "segmentation.window.advance.ms, 60000, segmentation.window.size.ms",
            "segmentation.window.grace.ms, 86400000, segmentation.window.grace.ms",
            "segmentation.dedup.retention.ms, 3600000, segmentation.dedup.retention.ms",
            "segmentation.lifecycle.dormant.after.ms, 604800000, segmentation.lifecycle.dormant.after.ms",
            "segmentation.topic.sign.in, 'sign in', segmentation.topic.sign.in",
            "segmentation.value.high.orders, 0, segmentation.value.high.orders"})
    void refusesInconsistentSettingsNamingTheKey(String key, String value, String named) {
        Map<String, String> settings = new HashMap<>(Map.of(SegmentationConfig.REGISTRY_URL_CONFIG, "http://r"));
        settings.put(key, value);
        assertThatThrownBy(() -> new SegmentationConfig(settings)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(named);
    }

    @Test
    void theRegistryTakesSeveralUrlsAndOneKindOfCredentials() {
        SegmentationConfig config = new SegmentationConfig(Map.of(SegmentationConfig.REGISTRY_URL_CONFIG,
                "https://a.example:443,https://b.example:443", "basic.auth.user.info", "key:secret"));
        assertThat(config.registrySettings().urls()).containsExactly("https://a.example:443", "https://b.example:443");
        assertThat(config.registrySettings().basicAuthUserInfo()).isEqualTo("key:secret");

        assertThatThrownBy(() -> new SegmentationConfig(Map.of(SegmentationConfig.REGISTRY_URL_CONFIG, "http://r",
                "basic.auth.user.info", "key:secret", "bearer.auth.token", "token")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bearer.auth.token");
    }

    @Test
    void eachInputTopicNamesItsEventType() {
        SegmentationConfig config = new SegmentationConfig(Map.of(SegmentationConfig.REGISTRY_URL_CONFIG, "http://r",
                "segmentation.topic.item.view", "views"));
        assertThat(config.eventTypesByTopic()).containsOnly(Map.entry("user_registration", EventType.USER_REGISTRATION),
                Map.entry("sign_in", EventType.SIGN_IN), Map.entry("sign_out", EventType.SIGN_OUT),
                Map.entry("views", EventType.ITEM_VIEW), Map.entry("add_to_cart", EventType.ADD_TO_CART),
                Map.entry("check_out", EventType.CHECK_OUT));
    }

    @Test
    void theApplicationCreatesEveryTopicItReadsOrWritesCompactsTheUserSegmentsAndKeepsTheRestWithoutTimeLimit() {
        SegmentationConfig config = new SegmentationConfig(Map.of(SegmentationConfig.REGISTRY_URL_CONFIG, "http://r"));
        assertThat(SegmentationApp.topics(config)).containsExactlyInAnyOrder("user_registration", "sign_in",
                "sign_out", "item_view", "add_to_cart", "check_out", "segment_registrations", "segment_active_users",
                "segment_sessions", "segment_funnel", "segment_revenue", "segment_late_events", "user_segments",
                "segmentation_dead_letter");

        NewTopic compacted = TopicBootstrap.newTopic("user_segments", 3, true);
        assertThat(compacted.configs()).containsEntry("cleanup.policy", "compact");
        assertThat(compacted.numPartitions()).isEqualTo(3);
        assertThat(compacted.configs()).doesNotContainKey("retention.ms");
        // Backfilled event times lie in the past; a time limit would let the broker delete them as they land.
        assertThat(TopicBootstrap.newTopic("segment_funnel", 3, false).configs())
                .containsExactlyEntriesOf(Map.of("retention.ms", "-1"));
    }
}
