package dev.segmentation.window;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import dev.segmentation.window.serde.ConfluentAvroSerde;
import dev.segmentation.window.serde.InMemorySchemaRegistry;

/**
 * The application against a real broker with exactly_once_v2: loads simulated journeys into the six input topics,
 * then runs the topology until it has committed every input offset, and reports events per second of wall-clock
 * and per second of the process's CPU time (the "per core" figure), with the CPU time of each Java thread. Not part
 * of the build; run it against a broker you started:
 *
 * <pre>
 * mvn -o -pl connect-smt-window -am verify -Dtest=StreamsBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dbenchmark.bootstrap=127.0.0.1:9092 -Dbenchmark.users=9000 -Dbenchmark.hours=3
 * </pre>
 *
 * {@code -Dbenchmark.passthrough=true} runs a topology that only copies the input, to calibrate the machine;
 * {@code -Dbenchmark.imperfect=false} leaves out late, duplicate and malformed records;
 * {@code -Dbenchmark.streams.<setting>=<value>} overrides a Kafka Streams setting, {@code -Dbenchmark.threads} the
 * number of stream threads.
 */
@EnabledIfSystemProperty(named = "benchmark.bootstrap", matches = ".+")
class StreamsBenchmarkTest {

    private static final long HOUR = 3_600_000L;

    @Test
    void reportsEventsPerSecondPerCore() throws Exception {
        String bootstrap = System.getProperty("benchmark.bootstrap");
        String run = "bench" + System.currentTimeMillis();
        int partitions = Integer.getInteger("benchmark.partitions", 3);
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        Map<String, String> settings = new HashMap<>();
        settings.put(SegmentationConfig.REGISTRY_URL_CONFIG, "http://unused");
        for (String topic : TestEvents.TOPICS) {
            settings.put(topicKey(topic), run + "." + topic);
        }
        for (String key : List.of(SegmentationConfig.REGISTRATIONS_OUTPUT_TOPIC_CONFIG,
                SegmentationConfig.ACTIVE_USERS_OUTPUT_TOPIC_CONFIG, SegmentationConfig.SESSIONS_OUTPUT_TOPIC_CONFIG,
                SegmentationConfig.FUNNEL_OUTPUT_TOPIC_CONFIG, SegmentationConfig.REVENUE_OUTPUT_TOPIC_CONFIG,
                SegmentationConfig.LATE_EVENTS_OUTPUT_TOPIC_CONFIG, SegmentationConfig.USER_SEGMENTS_OUTPUT_TOPIC_CONFIG,
                SegmentationConfig.DEAD_LETTER_TOPIC_CONFIG)) {
            settings.put(key, run + "." + key);
        }
        SegmentationConfig config = new SegmentationConfig(settings);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(SegmentationApp.topics(config).stream()
                    // Event times lie in the past: without this the broker's retention would delete the input.
                    .map(topic -> new NewTopic(topic, partitions, (short) 1).configs(Map.of("retention.ms", "-1")))
                    .toList()).all().get();
            long events = load(bootstrap, config, registry);

            Properties props = SegmentationApp.streamsConfig(new Properties());
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, run);
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(run).toString());
            props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.getInteger("benchmark.threads", 1));
            System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("benchmark.streams."))
                    .forEach(name -> props.put(name.substring("benchmark.streams.".length()), System.getProperty(name)));
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpuBefore = os.getProcessCpuTime();
            long began = System.nanoTime();
            try (KafkaStreams streams = new KafkaStreams(Boolean.getBoolean("benchmark.passthrough")
                    ? passThrough(config) : SegmentationApp.buildTopology(config, registry, Clock.systemUTC()), props)) {
                streams.start();
                waitUntilConsumed(admin, run, config, Duration.ofMinutes(30));
                double seconds = (System.nanoTime() - began) / 1e9;
                double cpuSeconds = (os.getProcessCpuTime() - cpuBefore) / 1e9;
                System.out.printf("BENCHMARK %d events in %.1f s wall, %.1f s CPU: %.0f events/s, %.0f events per "
                        + "CPU-second%n", events, seconds, cpuSeconds, events / seconds, events / cpuSeconds);
                reportThreadCpu();
                streams.close(Duration.ofSeconds(30));
            }
        }
    }

    /** The cheapest exactly-once topology over the same input, to calibrate the machine: copy every record. */
    private static Topology passThrough(SegmentationConfig config) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(List.copyOf(config.inputTopics().values()), Consumed.with(Serdes.Bytes(), Serdes.ByteArray()))
                .to(config.deadLetterTopic(), Produced.with(Serdes.Bytes(), Serdes.ByteArray()));
        return builder.build();
    }

    /** CPU time per Java thread; the rest of the process's time is the JIT compiler, GC and RocksDB's own threads. */
    private static void reportThreadCpu() {
        var threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> cpuByName = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            var info = threads.getThreadInfo(id);
            long cpu = threads.getThreadCpuTime(id);
            if (info != null && cpu > 0) {
                cpuByName.merge(info.getThreadName().replaceAll("bench\\d+-[0-9a-f-]+-", ""), cpu, Long::sum);
            }
        }
        cpuByName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                .forEach(e -> System.out.printf("BENCHMARK thread %-60s %6.1f s%n", e.getKey(), e.getValue() / 1e9));
    }

    private static String topicKey(String topic) {
        return switch (topic) {
            case TestEvents.REGISTRATION -> SegmentationConfig.REGISTRATION_TOPIC_CONFIG;
            case TestEvents.SIGN_IN -> SegmentationConfig.SIGN_IN_TOPIC_CONFIG;
            case TestEvents.SIGN_OUT -> SegmentationConfig.SIGN_OUT_TOPIC_CONFIG;
            case TestEvents.ITEM_VIEW -> SegmentationConfig.ITEM_VIEW_TOPIC_CONFIG;
            case TestEvents.ADD_TO_CART -> SegmentationConfig.ADD_TO_CART_TOPIC_CONFIG;
            default -> SegmentationConfig.CHECK_OUT_TOPIC_CONFIG;
        };
    }

    private static long load(String bootstrap, SegmentationConfig config, InMemorySchemaRegistry registry) {
        long start = Instant.parse("2026-03-02T00:00:00Z").toEpochMilli();
        long spanMs = Long.getLong("benchmark.hours", 3) * HOUR;
        List<Arrival> arrivals = new JourneyGenerator(1L, start, spanMs, Integer.getInteger("benchmark.users", 9_000),
                !"false".equals(System.getProperty("benchmark.imperfect"))).generate(2 * HOUR);
        ConfluentAvroSerde serde = new ConfluentAvroSerde(registry, false);
        Map<String, String> topics = new HashMap<>();
        TestEvents.TOPICS.forEach(topic -> topics.put(topic, config.originalsStrings().get(topicKey(topic))));
        long events = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024), new StringSerializer(), new ByteArraySerializer())) {
            for (Arrival arrival : arrivals) {
                if (arrival.kind() != Arrival.Kind.EVENT) {
                    continue;
                }
                byte[] value = serde.serializer().serialize(topics.get(arrival.topic()),
                        arrival.event().toAvro(arrival.evolved() ? TestEvents.writerV2(arrival.topic())
                                : TestEvents.writer(arrival.topic())));
                producer.send(new ProducerRecord<>(topics.get(arrival.topic()), null, arrival.timestampMs(),
                        arrival.key(), value));
                events++;
            }
        }
        System.out.printf("BENCHMARK loaded %d events%n", events);
        return events;
    }

    private static void waitUntilConsumed(Admin admin, String group, SegmentationConfig config, Duration timeout)
            throws Exception {
        Set<String> inputs = Set.copyOf(config.inputTopics().values());
        List<TopicPartition> partitions = new ArrayList<>();
        admin.describeTopics(inputs).allTopicNames().get().forEach((topic, description) ->
                description.partitions().forEach(p -> partitions.add(new TopicPartition(topic, p.partition()))));
        Map<TopicPartition, Long> ends = admin.listOffsets(partitions.stream()
                        .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()))).all().get()
                .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            if (ends.entrySet().stream().allMatch(e -> committed.containsKey(e.getKey())
                    && committed.get(e.getKey()).offset() >= e.getValue())) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        assertThat(false).as("input consumed within " + timeout).isTrue();
    }
}
