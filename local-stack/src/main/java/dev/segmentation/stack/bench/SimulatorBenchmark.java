package dev.segmentation.stack.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Compares the simulator source connector with Kafka's {@code kafka-producer-perf-test} on the running local
 * stack, in one run: the simulator backfills a fixed number of events (one task unless {@code --tasks N}, Avro
 * through the registry, exactly-once), then the perf tool produces the same number of records of the same average
 * size (key plus value) to a topic with as many partitions. Both sides commit a transaction at the same interval
 * and share the producer settings of {@link #producerSettings()}. Prints what each side does, its events/s over
 * the whole run and after a warm-up of the first fifth of the events (the perf tool's {@code --warmup-records};
 * change it with {@code --warmup N}), and the ratios. The comparison first runs twice unmeasured
 * ({@code --warmup-rounds N}), so that the worker is not measured while it compiles, then three times
 * ({@code --rounds N}); it reports the median of each figure, because the perf tool's own rate swings by a quarter
 * from run to run on a small machine.
 *
 * <p>Run through {@code ./pipeline bench simulator [--events N]}.
 */
public final class SimulatorBenchmark {

    private static final Pattern PERF_SUMMARY = Pattern.compile("^(\\d+) records sent, ([\\d.]+) records/sec");
    private static final Pattern PERF_STEADY = Pattern.compile("^(\\d+) steady state records sent, ([\\d.]+) records/sec");

    /**
     * Producer settings both sides run with, printed with the results; {@code -Dbench.producer.<key>=<value>}
     * changes or adds one for both. They are the Kafka producer's defaults, stated because Connect's own differ
     * (one request in flight), so that the comparison does not rest on either tool's choices. Both producers are
     * transactional, hence idempotent.
     */
    static Map<String, String> producerSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("acks", "all");
        settings.put("max.in.flight.requests.per.connection", "5");
        settings.put("linger.ms", "5");
        settings.put("batch.size", "16384");
        settings.put("compression.type", "none");
        System.getProperties().stringPropertyNames().stream().filter(key -> key.startsWith("bench.producer."))
                .sorted().forEach(key -> settings.put(key.substring("bench.producer.".length()), System.getProperty(key)));
        return settings;
    }

    private SimulatorBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchStack.parseArgs(args);
        // The perf tool itself needs a couple of million records to reach its full rate; shorter runs flatter the ratio.
        long events = Long.parseLong(options.getOrDefault("events", "3000000"));
        // Both JVMs compile their hot paths while they run; the worker's path (converter, registry client,
        // transactions) is far longer than the perf tool's, so the steady state is reported beside the whole run.
        long warmup = Long.parseLong(options.getOrDefault("warmup", Long.toString(events / 5)));
        // A fresh worker spends its first few million records compiling the task's path (on two cores its compiler
        // threads compete with the task through about two rounds), and a fresh broker its first appends; a
        // long-running worker pays that once. So the comparison first runs unmeasured rounds, and prints them.
        int warmupRounds = Integer.parseInt(options.getOrDefault("warmup-rounds", "2"));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
        int tasks = Integer.parseInt(options.getOrDefault("tasks", "1"));
        if (tasks < 1 || events % tasks != 0) {
            throw new IllegalArgumentException("--tasks must be at least 1 and divide --events (" + events + ")");
        }
        Map<String, String> producer = producerSettings();
        List<Round> measured = new ArrayList<>();
        try (BenchStack stack = BenchStack.fromArgs(options)) {
            for (int round = 1; round <= warmupRounds + rounds; round++) {
                Round result = runRound(stack, events, tasks, warmup, producer);
                boolean counted = round > warmupRounds;
                if (counted) {
                    measured.add(result);
                }
                System.out.printf("%s round %d of %d%s: perf tool %s / %s events/s, simulator %s / %s "
                                + "events/s, ratio %s / %s (whole run / steady state)%n",
                        counted ? "Measured" : "Warm-up", counted ? round - warmupRounds : round,
                        counted ? rounds : warmupRounds, counted ? "" : " (not counted)",
                        rate(result.perf().overall()), rate(result.perf().steady()),
                        rate(result.simulator().overall()), rate(result.simulator().steady()),
                        ratio(result.overallRatio()), ratio(result.steadyRatio()));
            }
        }
        print(measured, events, tasks, warmup, producer);
    }

    /** What one round measured: each side's rates and the simulator's mean record size. */
    private record Round(BenchSimulator.Rates simulator, BenchSimulator.Rates perf, double recordBytes) {
        double overallRatio() {
            return simulator.overall() / perf.overall();
        }

        double steadyRatio() {
            return simulator.steady() / perf.steady();
        }
    }

    private static Round runRound(BenchStack stack, long events, int tasks, long warmup,
                                  Map<String, String> producer) throws Exception {
        String run = "bench" + System.currentTimeMillis();
        List<String> topics = BenchSimulator.topics(run);
        String perfTopic = run + ".perf";
        List<String> allTopics = new ArrayList<>(topics);
        allTopics.add(perfTopic);
        // Listed before they exist, so that no kill leaves them unlisted.
        Leftovers.Leftover created = stack.leftovers.add("the topics " + run + ".*", Removal.topics(allTopics));
        stack.createTopics(allTopics, BenchSimulator.PARTITIONS);
        try {
            BenchSimulator.Rates simulator = BenchSimulator.backfill(stack, run, events, tasks, warmup, producer);
            double recordBytes = averageRecordBytes(stack, topics);
            BenchSimulator.Rates perf = runPerfTest(stack, run, perfTopic, events, warmup,
                    (int) Math.round(recordBytes), producer);
            return new Round(simulator, perf, recordBytes);
        } finally {
            created.remove();
        }
    }

    private static void print(List<Round> rounds, long events, int tasks, long warmup, Map<String, String> producer) {
        System.out.printf("%nSimulator benchmark: %,d events, %.0f bytes per record (key and value); "
                + "steady state after the first %,d; median of %d measured rounds%n", events,
                median(rounds, Round::recordBytes), warmup, rounds.size());
        System.out.printf("  both sides: transactions committed every %,d ms, producer %s%n",
                BenchSimulator.TRANSACTION_INTERVAL_MS, producer);
        System.out.printf("  %-36s %14s %14s%n", "events/s", "whole run", "steady state");
        System.out.printf("  %-36s %14s %14s%n", "kafka-producer-perf-test (baseline)",
                rate(median(rounds, round -> round.perf().overall())),
                rate(median(rounds, round -> round.perf().steady())));
        System.out.printf("    %s%n", "random " + Math.round(median(rounds, Round::recordBytes))
                + "-byte values, no key, 1 topic of " + BenchSimulator.PARTITIONS + " partitions");
        System.out.printf("  %-36s %14s %14s%n", "simulator",
                rate(median(rounds, round -> round.simulator().overall())),
                rate(median(rounds, round -> round.simulator().steady())));
        System.out.printf("    %s%n", tasks + (tasks == 1 ? " task" : " tasks") + ", backfill clock, Avro values "
                + "through the registry (DirectAvroConverter), string keys, exactly-once source (KIP-618), 6 topics of "
                + BenchSimulator.PARTITIONS + " partitions");
        // The median of each round's own ratio: the two sides of a round ran minutes apart on the same machine.
        System.out.printf("  %-36s %14s %14s   (target >= 0.50)%n", "ratio simulator / baseline",
                ratio(median(rounds, Round::overallRatio)), ratio(median(rounds, Round::steadyRatio)));
        if (rounds.stream().anyMatch(round -> Double.isNaN(round.steadyRatio()))) {
            System.out.printf("  (n/a: the simulator sent all %,d events before its rate could be timed; "
                    + "give --events a few million)%n", events);
        }
    }

    private static String rate(double eventsPerSecond) {
        return Double.isNaN(eventsPerSecond) ? "n/a" : String.format("%,.0f", eventsPerSecond);
    }

    private static String ratio(double ratio) {
        return Double.isNaN(ratio) ? "n/a" : String.format("%.2f", ratio);
    }

    private static double median(List<Round> rounds, ToDoubleFunction<Round> figure) {
        double[] values = rounds.stream().mapToDouble(figure).sorted().toArray();
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
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

    private static BenchSimulator.Rates runPerfTest(BenchStack stack, String run, String topic, long records,
                                                    long warmup, int recordSize, Map<String, String> producer)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("--bootstrap-server", stack.bootstrapServers, "--topic", topic,
                "--num-records", Long.toString(records), "--record-size", Integer.toString(recordSize),
                "--throughput", "-1", "--warmup-records", Long.toString(warmup), "--transactional-id", run + "-perf",
                "--transaction-duration-ms", Long.toString(BenchSimulator.TRANSACTION_INTERVAL_MS)));
        if (!producer.isEmpty()) {
            args.add("--command-property");
            producer.forEach((key, value) -> args.add(key + "=" + value));
        }
        List<String> output = stack.runTool("org.apache.kafka.tools.ProducerPerformance", args);
        double overall = lastMatch(output, PERF_SUMMARY);
        return new BenchSimulator.Rates(overall, warmup > 0 ? lastMatch(output, PERF_STEADY) : overall);
    }

    private static double lastMatch(List<String> output, Pattern summary) {
        for (int i = output.size() - 1; i >= 0; i--) {
            Matcher matcher = summary.matcher(output.get(i));
            if (matcher.find()) {
                return Double.parseDouble(matcher.group(2));
            }
        }
        throw new IllegalStateException("no summary line in the perf tool's output:\n" + String.join("\n", output));
    }
}
