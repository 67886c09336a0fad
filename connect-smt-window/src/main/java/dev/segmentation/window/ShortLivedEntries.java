package dev.segmentation.window;

import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * Keeps a cached store's short-lived entries out of its changelog.
 *
 * <p>A store that holds records only while they wait (events for their place in the order, contributions for the
 * slowest upstream partition) deletes most entries within the commit interval that wrote them. Kafka's record cache
 * then holds a deleted entry, and on flush writes it to the store below and so to the changelog as a tombstone:
 * one changelog record per waiting record, and a delete on the store, though neither ever held the key. With a
 * flush listener the cache first asks the store below whether it holds the key, and writes nothing when it holds
 * neither an old nor a new value; this is how Kafka's own tables keep their changelogs small. What outlives a
 * commit is still written and logged, and its later delete too, so a restart restores exactly what was waiting.
 *
 * <p>The listener interface is Kafka Streams' internal one; should a later version no longer offer it here, the
 * store keeps working and only writes the tombstones again.
 */
public final class ShortLivedEntries {

    private ShortLivedEntries() {
    }

    /**
     * Makes the store's cache skip entries that come and go between two flushes.
     *
     * @param store a store from {@code ProcessorContext.getStateStore}, built with caching enabled
     * @return whether the store has a cache that took the listener
     */
    public static boolean keepOutOfChangelog(StateStore store) {
        if (store instanceof CachedStateStore<?, ?> cached) {
            // Nothing listens: the flushed entries have no reader downstream.
            return cached.setFlushListener(record -> { }, false);
        }
        return false;
    }
}
