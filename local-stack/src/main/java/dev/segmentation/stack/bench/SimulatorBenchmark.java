package dev.segmentation.stack.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Compares the simulator source connector with Kafka's {@code kafka-producer-perf-test} on the running local
 * stack, in one run: the simulator backfills a fixed number of events (one task, Avro through the registry,
 * exactly-once), then the perf tool produces the same number of records of the same average size (key plus
 * value) to a topic with as many partitions. Prints events/s of each and their ratio.
 *
 * <p>Run through {@code ./pipeline bench simulator [--events N]}.
 */
public final class SimulatorBenchmark {

    private static final String[] EVENT_TOPICS = {"user_registration", "sign_in", "sign_out", "item_view",
        "add_to_cart", "check_out"};
    private static final int PARTITIONS = 3;
    private static final Pattern PERF_SUMMARY = Pattern.compile("^(\\d+) records sent, ([\\d.]+) records/sec");

    private SimulatorBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchStack.parseArgs(args);
        long events = Long.parseLong(options.getOrDefault("events", "1000000"));
        try (BenchStack stack = BenchStack.fromArgs(options)) {
            String run = "bench" + System.currentTimeMillis();
            List<String> topics = new ArrayList<>();
            for (String topic : EVENT_TOPICS) {
                topics.add(run + "." + topic);
            }
            String perfTopic = run + ".perf";
            stack.createTopics(topics, PARTITIONS);
            stack.createTopics(List.of(perfTopic), PARTITIONS);
            try {
                double simulatorRate = runSimulator(stack, run, events);
                double recordBytes = averageRecordBytes(stack, topics);
                double perfRate = runPerfTest(stack, perfTopic, events, (int) Math.round(recordBytes));
                System.out.printf("%nSimulator benchmark: %,d events, %.0f bytes per record (key and value), "
                        + "%d partitions%n", events, recordBytes, PARTITIONS);
                System.out.printf("  %-42s %,12.0f events/s%n", "kafka-producer-perf-test (baseline)", perfRate);
                System.out.printf("  %-42s %,12.0f events/s%n", "simulator (1 task, Avro, backfill, EOS)", simulatorRate);
                System.out.printf("  %-42s %12.2f   (target >= 0.50)%n", "ratio simulator / baseline",
                        simulatorRate / perfRate);
            } finally {
                topics.add(perfTopic);
                stack.deleteTopics(topics);
            }
        }
    }

    /** Deploys a bounded backfill and times it from the first committed offset to the last. */
    private static double runSimulator(BenchStack stack, String run, long events) throws Exception {
        String name = run + "-simulator";
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "dev.segmentation.simulator.UserEventSourceConnector");
        config.put("tasks.max", "1");
        for (String topic : EVENT_TOPICS) {
            String key = topic.equals("user_registration") ? "topic.registration" : "topic." + topic.replace('_', '.');
            config.put(key, run + "." + topic);
        }
        config.put("topic.partitions", Integer.toString(PARTITIONS));
        config.put("clock", "backfill");
        config.put("clock.start", "2026-01-01T00:00:00Z");
        config.put("clock.end", "2030-01-01T00:00:00Z");
        config.put("max.events", Long.toString(events));
        config.put("batch.size", "10000");
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", "io.confluent.connect.avro.AvroConverter");
        config.put("value.converter.schema.registry.url", stack.registryUrl);
        config.put("exactly.once.support", "required");
        // Without Connect's own metadata the converter's schemas are smaller, and so are its per-record lookups.
        config.put("value.converter.connect.meta.data", "false");
        System.getProperties().stringPropertyNames().stream().filter(key -> key.startsWith("simulator."))
                .forEach(key -> config.put(key.substring("simulator.".length()), System.getProperty(key)));
        stack.connect("PUT", "/connectors/" + name + "/config", config);
        try {
            long firstNanos = 0;
            long firstCount = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (System.nanoTime() < deadline) {
                JsonNode offset = lastOffset(stack, name);
                long now = System.nanoTime();
                if (offset != null) {
                    long sent = offset.path("events.sent").asLong();
                    if (firstNanos == 0 && sent > 0) {
                        firstNanos = now;
                        firstCount = sent;
                    }
                    if (sent >= events && firstCount < events) {
                        return (sent - firstCount) / ((now - firstNanos) / 1e9);
                    }
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException("the simulator did not send " + events + " events within 10 minutes");
        } finally {
            stack.connect("DELETE", "/connectors/" + name, null);
        }
    }

    private static JsonNode lastOffset(BenchStack stack, String name) throws Exception {
        for (JsonNode entry : stack.connect("GET", "/connectors/" + name + "/offsets", null).path("offsets")) {
            return entry.path("offset");
        }
        return null;
    }

    /** The mean size of key plus value over a sample of the simulator's records, watermarks aside. */
    private static double averageRecordBytes(BenchStack stack, List<String> topics) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-sizes-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long bytes = 0;
        long records = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(topics);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records < 50_000 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() != null) {
                        bytes += record.key().length + record.value().length;
                        records++;
                    }
                }
            }
        }
        if (records == 0) {
            throw new IllegalStateException("no simulator records found to measure their size");
        }
        return (double) bytes / records;
    }

    private static double runPerfTest(BenchStack stack, String topic, long records, int recordSize) throws Exception {
        List<String> output = stack.runTool("org.apache.kafka.tools.ProducerPerformance", List.of(
                "--topic", topic, "--num-records", Long.toString(records), "--record-size", Integer.toString(recordSize),
                "--throughput", "-1", "--producer-props", "bootstrap.servers=" + stack.bootstrapServers));
        for (int i = output.size() - 1; i >= 0; i--) {
            Matcher summary = PERF_SUMMARY.matcher(output.get(i));
            if (summary.find()) {
                return Double.parseDouble(summary.group(2));
            }
        }
        throw new IllegalStateException("no summary line in the perf tool's output:\n" + String.join("\n", output));
    }
}
