package dev.segmentation.window;

import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.InternalFixedKeyRecordFactory;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.internals.CachedStateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka Streams internals the stage relies on, kept in this one place so that a Kafka upgrade is checked here:
 * {@code KafkaInternalsTest} fails, naming the internal, when one stops working as the stage needs.
 *
 * <p>The application is not a plugin loaded into someone else's runtime: it ships with the Kafka Streams version
 * the parent pom pins, so every upgrade is made by this project, with these tests. Each is worth keeping: without
 * the fixed-key factory, what the window stage reads back from a store at start-up or sends as a clock tick would
 * need a key-changing processor, and so one more repartition topic; without the flush listener, every waiting event
 * and every session duration reaches its changelog twice. Only the last can fail at run time without failing the
 * build, and it falls back to plain caching, saying so once.
 */
public final class KafkaInternals {

    private static final Logger log = LoggerFactory.getLogger(KafkaInternals.class);
    private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();

    private KafkaInternals() {
    }

    /**
     * A fixed-key record that was not handed to the processor by Kafka: one read back from a state store. Kafka
     * offers no public way to build one; the processor that forwards it must keep the key it arrived with.
     */
    public static <K, V> FixedKeyRecord<K, V> fixedKeyRecord(K key, V value, long timestamp) {
        return InternalFixedKeyRecordFactory.create(new Record<>(key, value, timestamp));
    }

    /**
     * Keeps a cached store's short-lived entries out of its changelog.
     *
     * <p>A store that holds records only while they wait (events for their place in the order) deletes most
     * entries within the commit interval that wrote them. Kafka's record cache then holds a deleted entry, and on
     * flush writes it to the store below and so to the changelog as a tombstone: one changelog record per waiting
     * record, though the store never held the key. With a flush listener the cache first asks the store below
     * whether it holds the key, and writes nothing when it holds neither an old nor a new value; this is how Kafka's
     * own tables keep their changelogs small. What outlives a commit is still written and logged, and its later
     * delete too, so a restart restores exactly what was waiting.
     *
     * @param store a store from {@code ProcessorContext.getStateStore}, built with caching enabled
     * @return whether the store took the listener; if not, it keeps working and writes the tombstones
     */
    public static boolean keepShortLivedEntriesOutOfChangelog(StateStore store) {
        // Nothing listens: the flushed entries have no reader downstream.
        boolean taken = store instanceof CachedStateStore<?, ?> cached && cached.setFlushListener(record -> { }, false);
        if (!taken && FALLBACK_LOGGED.compareAndSet(false, true)) {
            log.warn("Store {} takes no flush listener in this Kafka Streams version; entries that come and go within "
                    + "a commit reach its changelog as tombstones, which is correct and larger", store.name());
        }
        return taken;
    }
}
