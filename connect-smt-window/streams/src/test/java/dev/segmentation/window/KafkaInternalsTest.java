package dev.segmentation.window;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The Kafka Streams internals the stage relies on still work as it needs. When one of these fails after a Kafka
 * upgrade, {@link KafkaInternals} is the one place to mend.
 */
class KafkaInternalsTest {

    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");

    @Test
    void aFixedKeyRecordBuiltFromAStoredValueKeepsItsKeyValueAndTimestamp() {
        FixedKeyRecord<String, Long> record = KafkaInternals.fixedKeyRecord("segment", 42L, 1_000L);

        assertThat(record.key()).isEqualTo("segment");
        assertThat(record.value()).isEqualTo(42L);
        assertThat(record.timestamp()).isEqualTo(1_000L);
        assertThat(record.headers().toArray()).isEmpty();
        assertThat(record.withValue(43L).key()).isEqualTo("segment");
    }

    @Test
    void withTheFlushListenerAnEntryThatComesAndGoesWithinACommitNeverReachesTheChangelog() {
        assertThat(changelogAfterOneRecord(true)).as("the flush listener is taken and honoured")
                .containsExactly(KeyValue.pair("kept", "1"));
        // Without it, the cache writes the deleted entry as a tombstone.
        assertThat(changelogAfterOneRecord(false)).contains(KeyValue.pair("kept", "1"), KeyValue.pair("gone", null));
    }

    /**
     * What a cached, logged store's changelog holds after one record whose processing puts and deletes one key and
     * puts another.
     */
    private static List<KeyValue<String, String>> changelogAfterOneRecord(boolean withListener) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("waiting"), Serdes.String(),
                Serdes.String()).withCachingEnabled());
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .process(() -> new Processor<String, String, Void, Void>() {
                    private KeyValueStore<String, String> store;

                    @Override
                    public void init(ProcessorContext<Void, Void> context) {
                        store = context.getStateStore("waiting");
                        if (withListener) {
                            assertThat(KafkaInternals.keepShortLivedEntriesOutOfChangelog(store)).isTrue();
                        }
                    }

                    @Override
                    public void process(Record<String, String> record) {
                        store.put("gone", "0");
                        store.delete("gone");
                        store.put("kept", "1");
                    }
                }, "waiting");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "kafka-internals-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props, T0)) {
            driver.createInputTopic("in", Serdes.String().serializer(), Serdes.String().serializer())
                    .pipeInput("k", "v", T0);
            return driver.createOutputTopic("kafka-internals-test-waiting-changelog", Serdes.String().deserializer(),
                    Serdes.String().deserializer()).readKeyValuesToList();
        }
    }
}
