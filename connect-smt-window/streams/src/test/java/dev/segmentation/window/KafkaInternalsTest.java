package dev.segmentation.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Instant;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;
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
    void anActionRunsInTheCacheFlushBeforeEveryCommitWithTheRecordContextOfTheMarkersWrite() {
        List<TestRecord<String, String>> changelog = changelogOfHeldWrites(true);

        // The processor never writes the store itself: only the action can have put these there, at the commit
        // the driver makes after each record, with the timestamp of the record that changed something.
        assertThat(changelog).extracting(TestRecord::key, TestRecord::value, TestRecord::timestamp)
                .containsExactly(tuple("held", "a", T0.toEpochMilli()), tuple("held", "c", T0.toEpochMilli() + 2));
    }

    @Test
    void aStoreWithoutARecordCacheTakesNoAction() {
        assertThat(changelogOfHeldWrites(false)).as("the caller is told to write at once").isEmpty();
    }

    /**
     * The changelog of a logged store that only an action run at cache flushes writes: what a processor held in
     * memory, after three records, the second of which changes nothing.
     */
    private static List<TestRecord<String, String>> changelogOfHeldWrites(boolean cachedMarker) {
        StreamsBuilder builder = new StreamsBuilder();
        var marker = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("marker"), Serdes.String(),
                Serdes.String()).withLoggingDisabled();
        builder.addStateStore(cachedMarker ? marker.withCachingEnabled() : marker);
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("held"), Serdes.String(),
                Serdes.String()));
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .process(() -> new Processor<String, String, Void, Void>() {
                    private KeyValueStore<String, String> markerStore;
                    private String held;

                    @Override
                    public void init(ProcessorContext<Void, Void> context) {
                        markerStore = context.getStateStore("marker");
                        KeyValueStore<String, String> heldStore = context.getStateStore("held");
                        assertThat(KafkaInternals.runWhenCacheFlushes(markerStore,
                                () -> heldStore.put("held", held))).isEqualTo(cachedMarker);
                    }

                    @Override
                    public void process(Record<String, String> record) {
                        if (!record.value().equals("unchanged")) {
                            held = record.value();
                            markerStore.put("changed", "1");
                        }
                    }
                }, "marker", "held");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "kafka-internals-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props, T0)) {
            TestInputTopic<String, String> in = driver.createInputTopic("in", Serdes.String().serializer(),
                    Serdes.String().serializer());
            in.pipeInput("k", "a", T0);
            in.pipeInput("k", "unchanged", T0.plusMillis(1));
            in.pipeInput("k", "c", T0.plusMillis(2));
            return driver.createOutputTopic("kafka-internals-test-held-changelog", Serdes.String().deserializer(),
                    Serdes.String().deserializer()).readRecordsToList();
        }
    }
}
