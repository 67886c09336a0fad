package dev.segmentation.window;

import static dev.segmentation.window.TestEvents.HOUR;
import static dev.segmentation.window.TestEvents.MINUTE;
import static dev.segmentation.window.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.segmentation.window.ExpectedRegistrations.RowKey;
import dev.segmentation.window.serde.ConfluentAvroSerde;
import dev.segmentation.window.serde.InMemorySchemaRegistry;

class SegmentationTopologyTest {

    private static final long GRACE = 10 * MINUTE;
    private static final Clock EMIT_CLOCK = Clock.fixed(Instant.parse("2026-03-05T00:00:00Z"), ZoneOffset.UTC);

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, GenericRecord> registrations;
    private TestOutputTopic<GenericRecord, GenericRecord> output;

    @BeforeEach
    void buildTopology() {
        SegmentationConfig config = new SegmentationConfig(Map.of(
                SegmentationConfig.REGISTRY_URL_CONFIG, "http://unused",
                SegmentationConfig.WINDOW_GRACE_CONFIG, Long.toString(GRACE)));
        Properties props = SegmentationApp.streamsConfig(new Properties());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(SegmentationApp.buildTopology(config, registry, EMIT_CLOCK, 1), props);
        registrations = driver.createInputTopic("user_registration", new StringSerializer(),
                new ConfluentAvroSerde(registry, false).serializer());
        output = driver.createOutputTopic("segment_registrations", new ConfluentAvroSerde(registry, true).deserializer(),
                new ConfluentAvroSerde(registry, false).deserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    /**
     * Watermarks on all six topics: a partition's events are applied once every one of its topics has passed them,
     * and here only registrations are sent.
     */
    private void sendWatermarks(long timestampMs) {
        for (String topic : TestEvents.TOPICS) {
            driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer()).pipeInput(new TestRecord<>(
                    "__watermark__", null, new RecordHeaders().add("segmentation.watermark", new byte[0]),
                    Instant.ofEpochMilli(timestampMs)));
        }
    }

    private void send(List<TestEvents.Registration> events) {
        events.forEach(e -> registrations.pipeInput(new TestRecord<>(e.userId(), e.toAvro(), Instant.ofEpochMilli(e.eventTimeMs()))));
    }

    private Map<RowKey, Long> emittedRows() {
        Map<RowKey, Long> rows = new HashMap<>();
        output.readRecordsToList().forEach(record -> {
            GenericRecord key = record.key();
            GenericRecord value = record.value();
            RowKey rowKey = new RowKey(value.get("age_band").toString(), value.get("preferred_language").toString(),
                    value.get("email_domain").toString(), (Long) value.get("window_start"));
            assertThat(key.get("metric").toString()).isEqualTo("registrations");
            assertThat(key.get("window_start")).isEqualTo(value.get("window_start"));
            assertThat((Long) value.get("window_end")).isEqualTo(rowKey.windowStart() + HOUR);
            assertThat(value.get("emitted_at")).isEqualTo(EMIT_CLOCK.millis());
            assertThat(rows.put(rowKey, (Long) value.get("registrations"))).as("one final row per window and segment").isNull();
        });
        return rows;
    }

    private static Map<RowKey, Long> closedBy(Map<RowKey, Long> expected, long streamTime) {
        return expected.entrySet().stream()
                .filter(e -> e.getKey().windowStart() + HOUR + GRACE <= streamTime)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    @Test
    void emitsOneFinalCountPerClosedWindowAndSegmentMatchingAnIndependentCount() {
        List<TestEvents.Registration> events = new ArrayList<>();
        String[][] segments = {{"23", "en", "gmail.com"}, {"31", "de", "outlook.com"}, {"70", "en", "gmail.com"}};
        for (int i = 0; i < 90; i++) {
            String[] segment = segments[i % segments.length];
            // Irregular gaps over three hours, so windows hold different counts.
            events.add(new TestEvents.Registration("u" + i, T0 + i * 2 * MINUTE + (i % 7) * 13_000L,
                    Integer.parseInt(segment[0]), segment[1], segment[2]));
        }
        send(events);
        long streamTime = T0 + 6 * HOUR;
        sendWatermarks(streamTime);

        Map<RowKey, Long> expected = closedBy(ExpectedRegistrations.compute(events, HOUR, 15 * MINUTE, GRACE), streamTime);
        assertThat(expected).hasSizeGreaterThan(20);
        assertThat(emittedRows()).isEqualTo(expected);
    }

    @Test
    void anEventIsLateWhenItsTopicHasReachedItsTimePlusGraceAndCountsInAllItsWindowsOtherwise() {
        List<TestEvents.Registration> inOrder = List.of(
                new TestEvents.Registration("a", T0 + 5 * MINUTE, 30, "es", "yahoo.com"),
                new TestEvents.Registration("b", T0 + 70 * MINUTE, 30, "es", "yahoo.com"));
        send(inOrder);
        // The topic has reached T0 + 70 min: an event at T0 + 60 min (70 minus the grace of 10) is late,
        TestEvents.Registration tooLate = new TestEvents.Registration("late", T0 + 60 * MINUTE, 30, "es", "yahoo.com");
        // one a millisecond newer takes its place in the order and counts in all four of its windows.
        TestEvents.Registration withinGrace =
                new TestEvents.Registration("ok", T0 + 60 * MINUTE + 1, 30, "es", "yahoo.com");
        send(List.of(tooLate, withinGrace));
        long streamTime = T0 + 5 * HOUR;
        sendWatermarks(streamTime);

        Map<RowKey, Long> rows = emittedRows();
        assertThat(rows.get(new RowKey("25-34", "es", "yahoo.com", T0))).as("a only").isEqualTo(1L);
        assertThat(rows.get(new RowKey("25-34", "es", "yahoo.com", T0 + 15 * MINUTE))).as("b and ok").isEqualTo(2L);
        assertThat(rows.get(new RowKey("all", "all", "all", T0 + 60 * MINUTE))).as("b and ok").isEqualTo(2L);
        List<TestEvents.Registration> arrivals = new ArrayList<>(inOrder);
        arrivals.addAll(List.of(tooLate, withinGrace));
        assertThat(rows).isEqualTo(closedBy(ExpectedRegistrations.compute(arrivals, HOUR, 15 * MINUTE, GRACE), streamTime));

        // The late one counts in the late events of each of its four windows, from T0 + 15 min to T0 + 60 min.
        Map<RowKey, Long> late = new HashMap<>();
        driver.createOutputTopic("segment_late_events", new ConfluentAvroSerde(registry, true).deserializer(),
                new ConfluentAvroSerde(registry, false).deserializer()).readRecordsToList().forEach(record -> {
                    GenericRecord value = record.value();
                    late.put(new RowKey(value.get("age_band").toString(), value.get("preferred_language").toString(),
                            value.get("email_domain").toString(), (Long) value.get("window_start")),
                            (Long) value.get("late_events"));
                });
        Map<RowKey, Long> expectedLate = new HashMap<>();
        for (long start = T0 + 15 * MINUTE; start <= T0 + 60 * MINUTE; start += 15 * MINUTE) {
            expectedLate.put(new RowKey("25-34", "es", "yahoo.com", start), 1L);
            expectedLate.put(new RowKey("all", "all", "all", start), 1L);
        }
        assertThat(late).isEqualTo(expectedLate);
    }

    @Test
    void registersKeyAndValueSchemasUnderTopicNameSubjects() {
        send(List.of(new TestEvents.Registration("a", T0, 30, "es", "yahoo.com")));
        sendWatermarks(T0 + 3 * HOUR);
        assertThat(emittedRows()).isNotEmpty();
        assertThat(registry.subjects()).containsKeys("segment_registrations-key", "segment_registrations-value",
                "user_registration-value");
    }
}
