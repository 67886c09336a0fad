package dev.segmentation.window;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.common.config.TopicConfig;

/** Changelog settings the application's stores share. */
public final class StoreChangelogs {

    /**
     * For the changelog of an in-memory store, which every start restores in full. The log cleaner compacts only
     * closed segments, and a broker closes one at 1 GiB or after a week by default, so a restart after a long run
     * would replay every write and delete the store has had since. Small segments let compaction keep the log near
     * the store's own size; deletions may be dropped ten minutes after they were compacted.
     */
    public static final Map<String, String> RESTORED_IN_FULL = Map.of(
            TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024),
            TopicConfig.DELETE_RETENTION_MS_CONFIG, Long.toString(Duration.ofMinutes(10).toMillis()));

    private StoreChangelogs() {
    }
}
