package dev.segmentation.window.ingest;

import java.time.Duration;
import java.util.Set;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Lets the first copy of each event through and drops the others, by {@code event_id}.
 *
 * <p>A duplicate repeats the whole event, event time included, so the ids live in a window store under their
 * event time: a lookup is a single point read in one segment, and ids expire segment by segment once they are
 * older than the retention, with no clean-up pass. The intake has already set aside events older than that
 * retention, so every event that reaches this step can be checked.
 */
public final class Deduplicator implements FixedKeyProcessor<Bytes, Ingested, Ingested> {

    /** Name of the store of event ids seen. */
    public static final String STORE = "event-ids-seen";
    private static final byte[] SEEN = {1};

    private WindowStore<Bytes, byte[]> seen;
    private FixedKeyProcessorContext<Bytes, Ingested> context;

    /** The processor with its store, which keeps ids for {@code retentionMs} of event time. */
    public static FixedKeyProcessorSupplier<Bytes, Ingested, Ingested> supplier(long retentionMs) {
        StoreBuilder<WindowStore<Bytes, byte[]>> store = Stores.windowStoreBuilder(
                        Stores.persistentWindowStore(STORE, Duration.ofMillis(retentionMs), Duration.ofMillis(1), false),
                        Serdes.Bytes(), Serdes.ByteArray())
                .withCachingEnabled();
        return new FixedKeyProcessorSupplier<>() {
            @Override
            public FixedKeyProcessor<Bytes, Ingested, Ingested> get() {
                return new Deduplicator();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(store);
            }
        };
    }

    @Override
    public void init(FixedKeyProcessorContext<Bytes, Ingested> context) {
        this.context = context;
        this.seen = context.getStateStore(STORE);
    }

    @Override
    public void process(FixedKeyRecord<Bytes, Ingested> record) {
        if (record.value() instanceof UserEvent event) {
            if (seen.fetch(event.eventId(), event.timestampMs()) != null) {
                return;
            }
            seen.put(event.eventId(), SEEN, event.timestampMs());
        }
        context.forward(record);
    }
}
