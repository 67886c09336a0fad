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
 * need a key-changing processor, and so one more repartition topic; without the flush listener, the per-user stage
 * would write its state with every change, through Kafka's record cache, rather than once per commit. Only the last
 * can fail at run time without failing the build, and it falls back to writing at once, saying so once.
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
     * Runs an action in Kafka's cache-flush phase, which comes before every commit: the task's commit, a rebalance's
     * and a clean shutdown's alike, and before the transaction's records are flushed. What the action writes to a
     * changelogged store is therefore in the transaction that commits the input it came from.
     *
     * <p>The phase flushes only stores with something dirty in their cache, so the action runs when the given
     * store's one entry has been written since the last flush (the per-user stage's {@code WriteBehind} writes it).
     * It may also run between commits, when the record cache is full and evicts that entry; running early is
     * harmless, as it writes what has changed so far and the rest before the commit. The action runs with the record
     * context of the record that wrote the entry, which the changelog's records take their timestamp from.
     *
     * @param store  a store from {@code ProcessorContext.getStateStore}, built with caching enabled
     * @param action what to write
     * @return whether the store took the action; if not, the caller must write at once, and a warning says so once
     */
    public static boolean runWhenCacheFlushes(StateStore store, Runnable action) {
        boolean taken = store instanceof CachedStateStore<?, ?> cached
                && cached.setFlushListener(record -> action.run(), false);
        if (!taken && FALLBACK_LOGGED.compareAndSet(false, true)) {
            log.warn("Store {} takes no flush listener in this Kafka Streams version; state is written with every "
                    + "change instead of once per commit, which is correct and slower", store.name());
        }
        return taken;
    }
}
