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
import org.junit.jupiter.api.Test;

/**
 * The Kafka Streams internals the stage relies on still work as it needs. When one of these fails after a Kafka
 * upgrade, {@link KafkaInternals} is the one place to mend.
 */
class KafkaInternalsTest {

    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");

    @Test
    void withTheEmitIntervalAtZeroAClosedWindowIsEmittedAtTheNextRecordWithoutWaitingForTheWallClock() {
        assertThat(closedWindowCounts(0L)).containsExactly(KeyValue.pair("user", 1L), KeyValue.pair("user", 1L));
        // The setting is read, not ignored: with an hour between looks (counted from start-up), none is emitted yet.
        assertThat(closedWindowCounts(3_600_000L)).as("the internal emit-interval setting is honoured").isEmpty();
    }

    @Test
    void aFixedKeyRecordBuiltFromAStoredValueKeepsItsKeyValueAndTimestamp() {
        FixedKeyRecord<String, Long> record = KafkaInternals.fixedKeyRecord("segment", 42L, 1_000L);

        assertThat(record.key()).isEqualTo("segment");
        assertThat(record.value()).isEqualTo(42L);
        assertThat(record.timestamp()).isEqualTo(1_000L);
        assertThat(record.headers().toArray()).isEmpty();
        assertThat(record.withValue(43L).key()).isEqualTo("segment");
    }

    /** Counts per one-minute window, emitted on close, after records at 0, 61 and 122 s. */
    private static List<KeyValue<String, Long>> closedWindowCounts(long emitIntervalMs) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .groupByKey()
                .windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofMinutes(1)))
                .emitStrategy(EmitStrategy.onWindowClose())
                .count()
                .toStream((window, count) -> window.key())
                .to("out", Produced.with(Serdes.String(), Serdes.Long()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "kafka-internals-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(KafkaInternals.WINDOWED_EMIT_INTERVAL_CONFIG, emitIntervalMs);
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props, T0)) {
            TestInputTopic<String, String> in = driver.createInputTopic("in", Serdes.String().serializer(),
                    Serdes.String().serializer());
            TestOutputTopic<String, Long> out = driver.createOutputTopic("out", Serdes.String().deserializer(),
                    Serdes.Long().deserializer());
            in.pipeInput("user", "a", T0);
            in.pipeInput("user", "b", T0.plusSeconds(61));
            in.pipeInput("user", "c", T0.plusSeconds(122));
            return out.readKeyValuesToList();
        }
    }
}
