package dev.segmentation.window;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.state.StoreBuilder;
import org.junit.jupiter.api.Test;

import dev.segmentation.window.metrics.WindowStage;
import dev.segmentation.window.users.UserActivity;

class StoreChangelogsTest {

    @Test
    void everyStoreRestoredInFullAtStartUpHasAChangelogThatCompactionKeepsShort() {
        SegmentationConfig config = new SegmentationConfig(Map.of(SegmentationConfig.REGISTRY_URL_CONFIG, "http://unused"));
        Map<String, StoreBuilder<?>> stores = new HashMap<>();
        UserActivity.supplier(config.inputTopics().values(), config.windows(), config.sessionTimeoutMs(),
                        config.dedupRetentionMs(), config.alignmentIdleMs(), config.userSegmentRules()).stores()
                .forEach(store -> stores.put(store.name(), store));
        new WindowStage(config.windows().withoutGrace(), config.dedupRetentionMs(), 3, config.alignmentIdleMs(),
                Clock.systemUTC()).stores().forEach(store -> stores.put(store.name(), store));

        // The in-memory stores: waiting events, open partials, aligned contributions, open panes.
        assertThat(List.of("user-events-waiting", "user-window-panes", "aligned-waiting", "segment-window-metrics"))
                .allSatisfy(name -> assertThat(stores.get(name).logConfig())
                        .containsEntry("segment.bytes", "16777216").containsEntry("delete.retention.ms", "600000"));
        // RocksDB stores restore from their checkpoint on, and keep the broker's segments.
        assertThat(List.of("user-state", "user-timers", "user-topic-clocks"))
                .allSatisfy(name -> assertThat(stores.get(name).logConfig()).doesNotContainKey("segment.bytes"));
    }
}
