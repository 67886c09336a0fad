package dev.segmentation.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.storage.StringConverter;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.segmentation.avro.DirectAvroConverter;
import dev.segmentation.events.EventType;
import dev.segmentation.registry.SchemaRegistryServer;
import dev.segmentation.simulator.journey.JourneySimulator;
import dev.segmentation.simulator.journey.PlannedEvent;
import dev.segmentation.simulator.journey.SimulationState;

/**
 * The connector inside Kafka's own embedded Connect cluster, with exactly-once source delivery, a real schema
 * registry, and either this project's {@link DirectAvroConverter} or Confluent's AvroConverter loaded from a
 * plugin.path: what arrives must be exactly the events the journey model defines, however the connector is
 * stopped, resumed or its worker replaced.
 */
class UserEventSourceConnectorIT {

    private static final String START = "2026-01-01T00:00:00Z";
    private static final int PARTITIONS = 2;

    private static EmbeddedConnectCluster connect;
    private static SchemaRegistryServer registry;
    private static String registryUrl;

    @BeforeAll
    static void startCluster() throws Exception {
        // Exactly-once source delivery needs transactions, whose log must fit on the single embedded broker.
        Properties broker = new Properties();
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        Map<String, String> worker = new HashMap<>();
        worker.put("exactly.once.source.support", "enabled");
        worker.put("offset.flush.interval.ms", "500");
        worker.put("plugin.path", System.getProperty("it.plugin.path"));
        // The Snowflake jar ships the AvroConverter without a ServiceLoader manifest, so it is found by scanning.
        worker.put("plugin.discovery", "hybrid_warn");
        connect = new EmbeddedConnectCluster.Builder()
                .name("simulator-it")
                .numWorkers(1)
                .numBrokers(1)
                .brokerProps(broker)
                .workerProps(worker)
                .build();
        connect.start();

        Properties registryConfig = new Properties();
        registryConfig.put("listeners", "http://127.0.0.1:0");
        registryConfig.put("kafkastore.bootstrap.servers", connect.kafka().bootstrapServers());
        registry = SchemaRegistryServer.start(registryConfig);
        registryUrl = "http://127.0.0.1:" + registry.port();
    }

    @AfterAll
    static void stopCluster() throws InterruptedException {
        if (registry != null) {
            registry.close();
        }
        connect.stop();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev.segmentation.avro.DirectAvroConverter",
        "io.confluent.connect.avro.AvroConverter"})
    void boundedBackfillWritesExactlyTheModelsEventsInAvroOnAllSixTopics(String valueConverter) throws Exception {
        String bounded = "bounded-" + valueConverter.substring(valueConverter.lastIndexOf('.') + 1);
        Map<String, String> config = connectorConfig(bounded, "backfill", 1_500);
        config.put("value.converter", valueConverter);
        createTopics(bounded);
        connect.configureConnector(bounded, config);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(bounded, 2, "simulator did not start");

        List<ConsumerRecord<byte[], byte[]>> records = consumeCommitted(bounded, 3_000 + 6 * PARTITIONS);
        ConfluentWireFormat avro = new ConfluentWireFormat(registryUrl);
        List<String> sent = new ArrayList<>();
        Map<String, Long> perTopic = new HashMap<>();
        int watermarks = 0;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            String key = new String(record.key(), StandardCharsets.UTF_8);
            if (record.value() == null) {
                assertThat(key).isEqualTo(UserEventSourceTask.WATERMARK_KEY);
                assertThat(record.headers().lastHeader(UserEventSourceTask.WATERMARK_HEADER)).isNotNull();
                watermarks++;
                continue;
            }
            GenericRecord event = avro.decode(record.value());
            assertThat(event.getSchema().getNamespace()).isEqualTo("dev.segmentation.events");
            assertThat(event.get("user_id").toString()).isEqualTo(key);
            assertThat(event.get("event_time")).isEqualTo(record.timestamp());
            sent.add(record.topic() + "/" + event.get("event_id"));
            perTopic.merge(record.topic(), 1L, Long::sum);
        }

        List<String> expected = new ArrayList<>();
        for (int task = 0; task < 2; task++) {
            expected.addAll(expectedEvents(config, task, 2, 1_500));
        }
        assertThat(watermarks).isEqualTo(6 * PARTITIONS);
        assertThat(sent).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(perTopic.keySet()).hasSize(6);
        for (EventType type : EventType.values()) {
            String subject = bounded + "." + type.defaultTopic() + "-value";
            assertThat(avro.latest(subject).getFullName()).as(subject).startsWith("dev.segmentation.events.");
        }
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(bounded, 2,
                "a finished bounded run must leave its tasks RUNNING");
        connect.deleteConnector(bounded);
    }

    /**
     * A deployment that wrote with Confluent's converter can switch to the DirectAvroConverter: the registry takes
     * its rendering of each schema as a compatible new version of the same subject, and readers decode both.
     */
    @Test
    void switchingFromConfluentsConverterKeepsTheSubjectsReadable() throws Exception {
        createTopics("switched");
        Map<String, String> before = connectorConfig("switched", "backfill", 1_500);
        before.put("tasks.max", "1");
        before.put("value.converter", "io.confluent.connect.avro.AvroConverter");
        connect.configureConnector("switched-before", before);
        consumeCommitted("switched", 1_500 + 6 * PARTITIONS);
        connect.deleteConnector("switched-before");

        Map<String, String> after = connectorConfig("switched", "backfill", 1_500);
        after.put("tasks.max", "1");
        after.put("seed", "2027");
        connect.configureConnector("switched-after", after);
        List<ConsumerRecord<byte[], byte[]>> records = consumeCommitted("switched", 2 * (1_500 + 6 * PARTITIONS));

        ConfluentWireFormat avro = new ConfluentWireFormat(registryUrl);
        List<String> sent = new ArrayList<>();
        Map<String, Set<Integer>> schemaIds = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (record.value() != null) {
                sent.add(record.topic() + "/" + avro.decode(record.value()).get("event_id"));
                schemaIds.computeIfAbsent(record.topic(), ignored -> new HashSet<>())
                        .add(ConfluentWireFormat.schemaId(record.value()));
            }
        }
        List<String> expected = new ArrayList<>(expectedEvents(before, 0, 1, 1_500));
        expected.addAll(expectedEvents(after, 0, 1, 1_500));
        assertThat(sent).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(schemaIds.get("switched." + EventType.USER_REGISTRATION.defaultTopic()))
                .as("one schema id per converter").hasSize(2);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("switched-after", 1,
                "the connector writing with the new converter must keep running");
        connect.deleteConnector("switched-after");
    }

    @Test
    void stopResumeAndAWorkerRestartLoseAndRepeatNothing() throws Exception {
        Map<String, String> config = connectorConfig("resumed", "accelerated", 6_000);
        config.put("tasks.max", "1");
        config.put("clock.acceleration", "100");
        createTopics("resumed");
        connect.configureConnector("resumed", config);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("resumed", 1, "simulator did not start");

        consumeCommitted("resumed", 1_000);
        connect.stopConnector("resumed");
        connect.assertions().assertConnectorIsStopped("resumed", "connector did not stop");
        connect.resumeConnector("resumed");
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("resumed", 1, "connector did not resume");

        consumeCommitted("resumed", 3_000);
        connect.removeWorker();
        connect.addWorker();
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("resumed", 1,
                "connector did not come back on the new worker");

        List<ConsumerRecord<byte[], byte[]>> records = consumeCommitted("resumed", 6_000 + 6 * PARTITIONS);
        ConfluentWireFormat avro = new ConfluentWireFormat(registryUrl);
        List<String> sent = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (record.value() != null) {
                sent.add(record.topic() + "/" + avro.decode(record.value()).get("event_id"));
            }
        }
        List<String> expected = expectedEvents(config, 0, 1, 6_000);
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            if (!sent.contains(expected.get(i))) {
                missing.add(i);
            }
        }
        assertThat(missing).as("positions of missing events in the model's order").isEmpty();
        assertThat(sent).hasSize(6_000).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
        connect.deleteConnector("resumed");
    }

    /** The first {@code count} events of one task, straight from the journey model, as topic/event_id. */
    private static List<String> expectedEvents(Map<String, String> config, int task, int tasks, int count) {
        Map<String, String> taskConfig = new TaskSlice(task, tasks).taskConfig(config);
        UserEventSourceConnectorConfig parsed = new UserEventSourceConnectorConfig(taskConfig);
        JourneySimulator model = new JourneySimulator(parsed.journeySettings(new TaskSlice(task, tasks)),
                SimulationState.initial(Instant.parse(START).toEpochMilli()));
        List<String> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            PlannedEvent event = model.next();
            events.add(parsed.topic(event.type()) + "/" + event.eventId());
        }
        return events;
    }

    private static Map<String, String> connectorConfig(String prefix, String clock, int eventsPerTask) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", UserEventSourceConnector.class.getName());
        config.put("tasks.max", "2");
        for (EventType type : EventType.values()) {
            config.put(UserEventSourceConnectorConfig.topicConfig(type), prefix + "." + type.defaultTopic());
        }
        config.put("topic.partitions", Integer.toString(PARTITIONS));
        config.put("seed", "2026");
        config.put("clock", clock);
        config.put("clock.start", START);
        config.put("clock.end", "2026-03-01T00:00:00Z");
        config.put("max.events", Integer.toString(eventsPerTask));
        config.put("batch.size", "200");
        config.put("key.converter", StringConverter.class.getName());
        config.put("value.converter", DirectAvroConverter.class.getName());
        config.put("value.converter.schema.registry.url", registryUrl);
        config.put("exactly.once.support", "required");
        return config;
    }

    /** Event times lie months back, so time-based retention would delete the records as soon as they land. */
    private static void createTopics(String prefix) {
        for (EventType type : EventType.values()) {
            connect.kafka().createTopic(prefix + "." + type.defaultTopic(), PARTITIONS, 1, Map.of("retention.ms", "-1"));
        }
    }

    /** Reads the connector's topics from the start, committed records only, until at least {@code atLeast}. */
    private static List<ConsumerRecord<byte[], byte[]>> consumeCommitted(String prefix, int atLeast) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, connect.kafka().bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<TopicPartition> partitions = new ArrayList<>();
        for (EventType type : EventType.values()) {
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(prefix + "." + type.defaultTopic(), p));
            }
        }
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (records.size() < atLeast && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            // Anything beyond the expected count would be a duplicate or a stray record: read a little longer.
            consumer.poll(Duration.ofSeconds(2)).forEach(records::add);
        }
        return records;
    }

}
