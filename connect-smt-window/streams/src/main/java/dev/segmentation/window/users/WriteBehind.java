package dev.segmentation.window.users;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import dev.segmentation.window.KafkaInternals;

/**
 * Holds a task's writes to its stores back until the commit, so that state that changes with every event (a user's
 * entry, the events waiting for their place, the open partials) is kept as objects in memory and written once per
 * commit, rather than serialized and written through Kafka's record cache with every change. What comes and goes
 * within one commit is never written at all.
 *
 * <p>The commit is where Kafka's exactly-once guarantee lies: a store's changelog records and the input offsets they
 * answer to commit in one transaction. Writing just before it, in Kafka's cache-flush phase
 * ({@link KafkaInternals#runWhenCacheFlushes}), keeps that guarantee: a crash loses the writes held back together
 * with the input that made them, which is read again. The phase is reached through a store of its own, in memory
 * and without a changelog, whose one entry is written when something changes. Should Kafka's internals no longer
 * allow it, every change is written at once.
 */
final class WriteBehind {

    static final String STORE = "user-write-behind";

    private static final Bytes MARK = Bytes.wrap(new byte[] {0});
    private static final byte[] CHANGED = {1};

    private final KeyValueStore<Bytes, byte[]> marker;
    private final Runnable write;
    private final boolean atCommit;
    /** Whether the marker has been written since the last flush. */
    private boolean marked;

    /**
     * @param marker the store of {@link #storeBuilder()}, from the processor context
     * @param write  writes everything that changed since it last ran
     */
    WriteBehind(KeyValueStore<Bytes, byte[]> marker, Runnable write) {
        this.marker = marker;
        this.write = write;
        this.atCommit = KafkaInternals.runWhenCacheFlushes(marker, this::flush);
    }

    /** The marker store: cached, so that Kafka flushes it before a commit, and needing no changelog. */
    static StoreBuilder<KeyValueStore<Bytes, byte[]>> storeBuilder() {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingEnabled().withLoggingDisabled();
    }

    /**
     * Says that something has changed since the last write; call it once the change is complete, since the write
     * may run at once.
     */
    void changed() {
        if (!atCommit) {
            write.run();
        } else if (!marked) {
            marked = true;
            // The put may flush at once, when the record cache is full; flush() clears the mark then.
            marker.put(MARK, CHANGED);
        }
    }

    private void flush() {
        marked = false;
        write.run();
    }
}
