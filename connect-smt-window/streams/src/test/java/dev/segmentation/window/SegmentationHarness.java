package dev.segmentation.window;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

import dev.segmentation.window.TestEvents.Event;
import dev.segmentation.window.metrics.WindowFeedSerde;
import dev.segmentation.window.serde.ConfluentAvroSerde;
import dev.segmentation.window.serde.InMemorySchemaRegistry;

/**
 * The application's own topology in a {@link TopologyTestDriver}, with raw input topics (so tests can send bytes
 * that are not events) and decoded output topics.
 */
final class SegmentationHarness implements AutoCloseable {

    static final Clock EMIT_CLOCK = Clock.fixed(Instant.parse("2026-03-05T00:00:00Z"), ZoneOffset.UTC);
    static final int UNKNOWN_SCHEMA_ID = 9_999;

    final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    final SegmentationConfig config;
    private final TopologyTestDriver driver;
    private final Map<String, TestInputTopic<String, byte[]>> inputs = new HashMap<>();
    private final ConfluentAvroSerde valueSerde = new ConfluentAvroSerde(registry, false);
    private final ConfluentAvroSerde keySerde = new ConfluentAvroSerde(registry, true);

    SegmentationHarness(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        all.putIfAbsent(SegmentationConfig.REGISTRY_URL_CONFIG, "http://unused");
        config = new SegmentationConfig(all);
        Properties props = SegmentationApp.streamsConfig(new Properties());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(SegmentationApp.buildTopology(config, registry, EMIT_CLOCK, 1), props);
        for (String topic : TestEvents.TOPICS) {
            inputs.put(topic, driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer()));
        }
    }

    void send(Event event) {
        send(Arrival.event(event));
    }

    void sendAll(List<Arrival> arrivals) {
        arrivals.forEach(this::send);
    }

    void send(Arrival arrival) {
        send(prepare(arrival));
    }

    /** An arrival serialized ahead of time, so that sending it measures the topology alone. */
    record Prepared(String topic, TestRecord<String, byte[]> record) {
    }

    List<Prepared> prepare(List<Arrival> arrivals) {
        return arrivals.stream().map(this::prepare).toList();
    }

    void send(Prepared prepared) {
        inputs.get(prepared.topic()).pipeInput(prepared.record());
    }

    private Prepared prepare(Arrival arrival) {
        RecordHeaders headers = new RecordHeaders();
        byte[] value = switch (arrival.kind()) {
            case EVENT -> {
                Schema writer = arrival.evolved() ? TestEvents.writerV2(arrival.topic()) : TestEvents.writer(arrival.topic());
                yield valueSerde.serializer().serialize(arrival.topic(), arrival.event().toAvro(writer));
            }
            case WATERMARK -> {
                headers.add("segmentation.watermark",
                        Instant.ofEpochMilli(arrival.timestampMs()).toString().getBytes(StandardCharsets.UTF_8));
                yield null;
            }
            case GARBAGE -> ("{\"event_id\":\"" + arrival.key() + "\",\"type\":\"" + arrival.topic() + "\",\"event_time\":")
                    .getBytes(StandardCharsets.UTF_8);
            case UNKNOWN_SCHEMA -> ByteBuffer.allocate(9).put((byte) 0).putInt(UNKNOWN_SCHEMA_ID).putInt(42).array();
            case NULL_VALUE -> null;
        };
        return new Prepared(arrival.topic(), new TestRecord<>(arrival.key(), value, headers,
                Instant.ofEpochMilli(arrival.timestampMs())));
    }

    /** Moves the driver's wall clock on, running the wall-clock punctuations due by then. */
    void advanceWallClock(java.time.Duration duration) {
        driver.advanceWallClockTime(duration);
    }

    /** A watermark on every input topic. */
    void sendWatermarks(long timestampMs) {
        TestEvents.TOPICS.forEach(topic -> send(Arrival.watermark(topic, timestampMs)));
    }

    /** Everything written to an Avro output topic since the last read. */
    List<TestRecord<GenericRecord, GenericRecord>> read(String topic) {
        TestOutputTopic<GenericRecord, GenericRecord> output =
                driver.createOutputTopic(topic, keySerde.deserializer(), valueSerde.deserializer());
        return output.readRecordsToList();
    }

    /**
     * What the per-user stage has sent to the windows since the last read, in the order it sent it: partials, late
     * events, progress ticks and watermarks, read from the repartition topic between the two stages.
     */
    List<TestRecord<byte[], Object>> readWindowFeed() {
        return driver.createOutputTopic("segmentation-" + SegmentationTopology.REPARTITION_NAME + "-repartition",
                new ByteArrayDeserializer(), new WindowFeedSerde().deserializer()).readRecordsToList();
    }

    /** The values a state store's changelog got for one key since the last read of that changelog, in order. */
    List<byte[]> readChangelog(String store, String key) {
        return driver.createOutputTopic("segmentation-" + store + "-changelog", new StringDeserializer(),
                        new ByteArrayDeserializer()).readRecordsToList().stream()
                .filter(record -> key.equals(record.key())).map(TestRecord::value).toList();
    }

    /** Everything written to the dead-letter topic since the last read. */
    List<TestRecord<byte[], byte[]>> readDeadLetters() {
        return driver.createOutputTopic(config.deadLetterTopic(), new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList();
    }

    @Override
    public void close() {
        driver.close();
    }
}
