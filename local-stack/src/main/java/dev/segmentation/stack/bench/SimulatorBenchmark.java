package dev.segmentation.stack.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Compares the simulator source connector with Kafka's {@code kafka-producer-perf-test} on the running local
 * stack, in one run: the simulator backfills a fixed number of events (one task, Avro through the registry,
 * exactly-once), then the perf tool produces the same number of records of the same average size (key plus
 * value) to a topic with as many partitions. Prints events/s of each and their ratio.
 *
 * <p>Run through {@code ./pipeline bench simulator [--events N]}.
 */
public final class SimulatorBenchmark {

    private static final Pattern PERF_SUMMARY = Pattern.compile("^(\\d+) records sent, ([\\d.]+) records/sec");

    private SimulatorBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchStack.parseArgs(args);
        long events = Long.parseLong(options.getOrDefault("events", "1000000"));
        try (BenchStack stack = BenchStack.fromArgs(options)) {
            String run = "bench" + System.currentTimeMillis();
            List<String> topics = new ArrayList<>();
            for (String topic : BenchSimulator.EVENT_TOPICS) {
                topics.add(run + "." + topic);
            }
            String perfTopic = run + ".perf";
            stack.createTopics(topics, BenchSimulator.PARTITIONS);
            stack.createTopics(List.of(perfTopic), BenchSimulator.PARTITIONS);
            try {
                double simulatorRate = BenchSimulator.backfill(stack, run, events);
                double recordBytes = averageRecordBytes(stack, topics);
                double perfRate = runPerfTest(stack, perfTopic, events, (int) Math.round(recordBytes));
                System.out.printf("%nSimulator benchmark: %,d events, %.0f bytes per record (key and value), "
                        + "%d partitions%n", events, recordBytes, BenchSimulator.PARTITIONS);
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
