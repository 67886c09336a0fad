package dev.segmentation.stack.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import org.apache.kafka.common.TopicPartition;

/**
 * Compares the segmentation Streams application with Kafka's {@code kafka-consumer-perf-test} on the running
 * local stack, in one run and over the same input: the simulator first backfills the six event topics, then the
 * perf tool reads them all (read-committed), then the application processes them from the start with
 * exactly_once_v2 and every metric. Prints events/s of each, their ratio, the application's events per CPU
 * second, and the size of its state stores.
 *
 * <p>Run through {@code ./pipeline bench streams [--events N]}.
 */
public final class StreamsBenchmark {

    private StreamsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchStack.parseArgs(args);
        long events = Long.parseLong(options.getOrDefault("events", "1000000"));
        String appClasspath = options.get("app-classpath");
        try (BenchStack stack = BenchStack.fromArgs(options)) {
            String run = "bench" + System.currentTimeMillis();
            List<String> inputs = new ArrayList<>();
            for (String topic : BenchSimulator.EVENT_TOPICS) {
                inputs.add(run + "." + topic);
            }
            stack.createTopics(inputs, BenchSimulator.PARTITIONS);
            System.out.printf("Filling the event topics with %,d simulated events ...%n", events);
            BenchSimulator.backfill(stack, run, events);
            long records = stack.endOffsets(inputs, BenchSimulator.PARTITIONS).values().stream().mapToLong(Long::longValue).sum();

            double perfRate = runConsumerPerfTest(stack, run, events);
            AppRun app = runApplication(stack, run, inputs, appClasspath);
            System.out.printf("%nStreams benchmark: %,d events in 6 topics of %d partitions (%,d offsets with "
                    + "transaction markers and watermarks)%n", events, BenchSimulator.PARTITIONS, records);
            System.out.printf("  %-46s %,12.0f events/s%n", "kafka-consumer-perf-test (baseline, read_committed)",
                    perfRate);
            System.out.printf("  %-46s %,12.0f events/s%n", "segmentation app (exactly_once_v2, all metrics)",
                    app.eventsPerSecond());
            System.out.printf("  %-46s %12.2f   (target >= 0.30)%n", "ratio app / baseline",
                    app.eventsPerSecond() / perfRate);
            System.out.printf("  %-46s %,12.0f events/s   (target >= 50,000)%n", "app events per CPU second",
                    app.eventsPerCpuSecond());
            System.out.printf("  %-46s %,12.1f MiB%n", "app state stores on disk", app.stateBytes() / 1048576.0);
        }
    }

    private static double runConsumerPerfTest(BenchStack stack, String run, long events) throws Exception {
        List<String> output = stack.runTool("org.apache.kafka.tools.ConsumerPerformance", List.of(
                "--bootstrap-server", stack.bootstrapServers, "--include", run.replace(".", "\\.") + "\\..*",
                "--num-records", Long.toString(events), "--group", run + "-perf", "--timeout", "60000",
                "--command-property", "isolation.level=read_committed", "--hide-header"));
        // start.time, end.time, MB, MB/s, records, records/s, rebalance ms, fetch ms, fetch MB/s, fetch records/s
        String[] columns = output.get(output.size() - 1).split(",\\s*");
        return Double.parseDouble(columns[9]);
    }

    /** Starts the application as its own process on the benchmark's topics and waits until it has read them all. */
    private static AppRun runApplication(BenchStack stack, String run, List<String> inputs, String classpath)
            throws Exception {
        Path stateDir = Files.createTempDirectory("segmentation-bench-state");
        Properties props = new Properties();
        props.put("application.id", run + "-app");
        props.put("bootstrap.servers", stack.bootstrapServers);
        props.put("schema.registry.url", stack.registryUrl);
        props.put("state.dir", stateDir.toString());
        props.put("processing.guarantee", "exactly_once_v2");
        props.put("commit.interval.ms", "1000");
        props.put("auto.offset.reset", "earliest");
        props.put("segmentation.topic.partitions", Integer.toString(BenchSimulator.PARTITIONS));
        String[] inputKeys = {"registration", "sign.in", "sign.out", "item.view", "add.to.cart", "check.out"};
        for (int i = 0; i < inputKeys.length; i++) {
            props.put("segmentation.topic." + inputKeys[i], inputs.get(i));
        }
        for (String output : new String[] {"registrations", "active.users", "sessions", "funnel", "revenue",
            "late.events", "user.segments"}) {
            props.put("segmentation.topic." + output + ".output", run + ".out." + output.replace('.', '_'));
        }
        props.put("segmentation.topic.dead.letter", run + ".dead_letter");
        Path file = stateDir.resolveSibling(run + "-app.properties");
        try (var out = Files.newBufferedWriter(file)) {
            props.store(out, "segmentation benchmark");
        }

        Map<TopicPartition, Long> ends = stack.endOffsets(inputs, BenchSimulator.PARTITIONS);
        Process process = new ProcessBuilder(javaBinary(), "-Xmx1g", "-cp", classpath,
                "dev.segmentation.window.SegmentationApp", file.toString())
                .redirectErrorStream(true).redirectOutput(stateDir.resolveSibling(run + "-app.log").toFile()).start();
        try {
            long firstNanos = 0;
            long firstDone = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
            while (System.nanoTime() < deadline && process.isAlive()) {
                Map<TopicPartition, Long> committed = stack.committedOffsets(run + "-app");
                long done = 0;
                boolean all = true;
                for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                    long position = committed.getOrDefault(end.getKey(), 0L);
                    done += position;
                    all &= position >= end.getValue();
                }
                long now = System.nanoTime();
                if (firstNanos == 0 && done > 0) {
                    firstNanos = now;
                    firstDone = done;
                }
                if (all) {
                    double seconds = (now - firstNanos) / 1e9;
                    long total = ends.values().stream().mapToLong(Long::longValue).sum();
                    double cpuSeconds = cpuSeconds(process.pid());
                    return new AppRun((total - firstDone) / seconds, total / cpuSeconds, directorySize(stateDir));
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException("the application did not read its input within 15 minutes; see "
                    + stateDir.resolveSibling(run + "-app.log"));
        } finally {
            process.destroy();
            process.waitFor();
        }
    }

    /** User plus system CPU time of a process, from /proc (Linux). */
    private static double cpuSeconds(long pid) throws IOException {
        String[] stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat")).split("\\) ")[1].split(" ");
        long ticks = Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
        return ticks / 100.0;
    }

    private static long directorySize(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private record AppRun(double eventsPerSecond, double eventsPerCpuSecond, long stateBytes) {
    }
}
