package dev.segmentation.stack.bench;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Compares the segmentation Streams application with Kafka's {@code kafka-consumer-perf-test} on the running
 * local stack, in one run and over the same input: the simulator first backfills the six event topics, then the
 * perf tool reads them all (read-committed), then the application processes them from the start with
 * exactly_once_v2 and every metric, in its own JVM and with the settings of
 * {@code connector-configs/segmentation-streams.properties}.
 *
 * <p>Between the two, the application's intake runs alone over the same input with the same settings
 * ({@link IntakeFloorApp}): Kafka Streams reading with exactly_once_v2 and decoding every event, and nothing else.
 * It is the floor no stage can go below, and shows how much of the gap to the perf tool is Kafka Streams' own.
 *
 * <p>Events are the six topics' records, watermarks aside. The application's time runs from its switch to RUNNING
 * (its first fetch follows at once) until the offsets it has committed cover every input record and every record
 * of its repartition topic, that is until the transaction holding its last output has committed. Its CPU time over
 * the same span comes from {@code /proc}; the state stores are measured on disk after a clean shutdown, which
 * flushes RocksDB's memtables. The report ends with the stage's speed targets, each held or not, among them the time
 * to results (launch to last output, against the input at the steady rate plus 10 s) and the peak resident memory
 * to compare between runs of different sizes.
 *
 * <p>A run deletes what it created on the stack when it ends: its consumer groups, the application's topics and
 * state directory, and the event topics it filled, unless asked to keep them. Otherwise every run would leave some
 * hundreds of megabytes on the broker, and three consumer groups. A run stopped part-way (Ctrl-C) deletes them too,
 * and the simulator connector if it was still filling the topics; the next run deletes those of a run killed
 * outright, and stops the application it had started ({@link Leftovers}).
 *
 * <p>Run through {@code ./pipeline bench streams [--events N]}. Run directly, it also takes
 * {@code --keep-input true} to keep the event topics, {@code --input RUN} to reuse those of an earlier run (with
 * that run's {@code --events}), {@code --app-properties k=v,k=v} to override application settings and
 * {@code --app-java-options "..."}: {@code ./pipeline} passes those the local stack runs the application with, heap
 * included (without an {@code -Xmx} there, the application gets 1 GiB), and a flight recording can be added there.
 * {@code --app-archive-options "..."} are JVM options for the application alone, not the floor: {@code ./pipeline}
 * passes those that map the local stack's class archive of this build, or record it when there is none yet (see
 * {@code jvm_archive.py}). {@code --work-dir DIR} is where each launch's settings, log and state go
 * ({@link LaunchFiles}), and the list of what the run has yet to remove; {@code ./pipeline} passes {@code bench} in
 * the stack's home.
 */
public final class StreamsBenchmark {

    private static final String REPARTITION = "-contributions-by-segment-repartition";
    /** The simulator ends a bounded run with one watermark per partition of every event topic. */
    private static final int WATERMARKS = BenchSimulator.EVENT_TOPICS.length * BenchSimulator.PARTITIONS;
    private static final String[] OUTPUTS = {"registrations", "active.users", "sessions", "funnel", "revenue",
        "late.events", "user.segments"};

    private StreamsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchStack.parseArgs(args);
        long events = Long.parseLong(options.getOrDefault("events", "1000000"));
        try (BenchStack stack = BenchStack.fromArgs(options)) {
            String run = options.get("input");
            boolean ownInput = run == null;
            if (ownInput) {
                run = "bench" + System.currentTimeMillis();
            }
            List<String> inputs = BenchSimulator.topics(run);
            Leftovers.Leftover eventTopics = null;
            if (ownInput) {
                // Listed before they exist, so that no kill leaves them unlisted.
                if (!Boolean.parseBoolean(options.get("keep-input"))) {
                    eventTopics = stack.leftovers.add("the event topics " + run + ".*", Removal.topics(inputs));
                }
                stack.createTopics(inputs, BenchSimulator.PARTITIONS);
            }
            try {
                if (ownInput) {
                    System.out.printf("Filling the event topics with %,d simulated events ...%n", events);
                    BenchSimulator.backfill(stack, run, events);
                }
                compare(stack, run, inputs, events, options);
            } finally {
                if (eventTopics != null) {
                    eventTopics.remove();
                }
            }
        }
    }

    private static void compare(BenchStack stack, String run, List<String> inputs, long events,
                                Map<String, String> options) throws Exception {
        System.out.println("Reading them with kafka-consumer-perf-test ...");
        double perfRate = runConsumerPerfTest(stack, run, events);
        System.out.println("Reading them with the application's intake alone (the floor) ...");
        AppRun floor = runApplication(stack, run, inputs, events, options, Subject.INTAKE_FLOOR);
        System.out.println("Processing them with the segmentation application ...");
        AppRun app = runApplication(stack, run, inputs, events, options, Subject.APPLICATION);

        System.out.printf("%nStreams benchmark: %,d events in 6 topics of %d partitions (input %s)%n", events,
                BenchSimulator.PARTITIONS, run);
        System.out.printf("  %-50s %,12.0f events/s%n", "kafka-consumer-perf-test (baseline, read_committed)",
                perfRate);
        System.out.printf("  %-50s %,12.0f events/s   (ratio %.2f; %,.0f events per CPU second)%n",
                "floor: the app's intake alone (exactly_once_v2)", floor.eventsPerSecond(),
                floor.eventsPerSecond() / perfRate, floor.eventsPerCpuSecond());
        System.out.printf("  %-50s %,12.0f events/s   (%,.1f s, RUNNING to last output committed)%n",
                "segmentation app (exactly_once_v2, all metrics)", app.eventsPerSecond(), app.seconds());
        System.out.printf("  %-50s %12.2f   (target >= 0.30)%n", "ratio app / baseline",
                app.eventsPerSecond() / perfRate);
        System.out.printf("  %-50s %,12.1f s   (%,.1f s with start-up and shutdown)%n", "app CPU time",
                app.cpuSeconds(), app.totalCpuSeconds());
        System.out.printf("  %-50s %s%n", "app CPU time by thread", seconds(app.cpuByThread()));
        System.out.printf("  %-50s %,12.0f events/s   (target >= 50,000; ratio %.2f)%n",
                "app events per CPU second", app.eventsPerCpuSecond(), app.eventsPerCpuSecond() / 50_000);
        System.out.printf("  %-50s %,12.0f events/s%n", "app events per CPU second of its stream threads",
                events / app.cpuByThread().get(ProcessCpu.APP));
        System.out.printf("  %-50s %,12d   (%.2f per event)%n", "app records from the per-user to the window stage",
                app.betweenStages(), (double) app.betweenStages() / events);
        System.out.printf("  %-50s %,12.1f MiB   (%s)%n", "app state stores on disk (RocksDB, after close)",
                app.stateBytes() / 1048576.0, mib(app.storeBytes()));
        System.out.printf("  %-50s %,12.1f MiB   (%s)%n", "app store changelogs on the broker, at the end",
                app.changelogBytes().values().stream().mapToLong(Long::longValue).sum() / 1048576.0,
                mib(app.changelogBytes()));
        System.out.printf("  %-50s %s%n", "output rows per topic", app.outputRows());
        System.out.printf("  %-50s %.0f%% of %d cores busy, load average %s -> %s%n", "machine during the app run",
                app.machineBusy() * 100, Runtime.getRuntime().availableProcessors(), app.loadBefore(),
                app.loadAfter());
        System.out.printf("  %-50s %,12.1f s   (start-up %.1f s, first fifth of the input %.1f s, steady rate %,.0f"
                        + " events/s after it)%n", "app time to results (launch to last output)",
                app.secondsToResults(), app.secondsToStart(), app.secondsToFirstFifth(), app.steadyEventsPerSecond());
        System.out.printf("  %-50s %,12.1f MiB   (compare a run of --events 5000000: the target is within 20%%)%n",
                "app peak resident memory", app.peakResidentBytes() / 1048576.0);
        printTargets(events, floor, app);
    }

    /** The speed targets of the segmentation stage, each held or not in this run. */
    private static void printTargets(long events, AppRun floor, AppRun app) {
        double millions = events / 1e6;
        double changelogMiB = app.changelogBytes().values().stream().mapToLong(Long::longValue).sum() / 1048576.0;
        double resultsLimit = events / app.steadyEventsPerSecond() + 10;
        Map<String, Boolean> targets = new LinkedHashMap<>();
        targets.put(String.format("app >= 0.5 x floor (%.2f)", app.eventsPerSecond() / floor.eventsPerSecond()),
                app.eventsPerSecond() >= 0.5 * floor.eventsPerSecond());
        targets.put(String.format("events per CPU second >= 50,000 (%,.0f)", app.eventsPerCpuSecond()),
                app.eventsPerCpuSecond() >= 50_000);
        targets.put(String.format("state <= 12.5 MiB per 1M events (%.1f)", app.stateBytes() / 1048576.0 / millions),
                app.stateBytes() / 1048576.0 / millions <= 12.5);
        targets.put(String.format("changelogs <= 108 MiB per 1M events (%.1f)", changelogMiB / millions),
                changelogMiB / millions <= 108);
        targets.put(String.format("time to results <= input / steady rate + 10 s (%.1f <= %.1f)",
                app.secondsToResults(), resultsLimit), app.secondsToResults() <= resultsLimit);
        long held = targets.values().stream().filter(Boolean::booleanValue).count();
        System.out.printf("  %-50s %d of %d: %s%n", "targets held", held, targets.size(),
                String.join("; ", targets.entrySet().stream()
                        .map(target -> (target.getValue() ? "HOLDS " : "MISSED ") + target.getKey()).toList()));
    }

    private static double runConsumerPerfTest(BenchStack stack, String run, long events) throws Exception {
        String group = run + "-perf" + System.nanoTime();
        Leftovers.Leftover perfGroup = stack.leftovers.add("the consumer group " + group, Removal.groups(group));
        List<String> output;
        try {
            output = stack.runTool("org.apache.kafka.tools.ConsumerPerformance", List.of(
                    "--bootstrap-server", stack.bootstrapServers, "--include", run.replace(".", "\\.") + "\\..*",
                    "--num-records", Long.toString(events + WATERMARKS), "--group", group,
                    "--timeout", "60000", "--command-property", "isolation.level=read_committed", "--hide-header"));
        } finally {
            perfGroup.remove();
        }
        // start.time, end.time, MB, MB/s, records, records/s, rebalance ms, fetch ms, fetch MB/s, fetch records/s
        String[] columns = output.get(output.size() - 1).split(",\\s*");
        return events / (Double.parseDouble(columns[7]) / 1000);
    }

    /** Starts the subject as its own process on the benchmark's topics and waits until it has read them all. */
    private static AppRun runApplication(BenchStack stack, String run, List<String> inputs, long events,
                                         Map<String, String> options, Subject subject) throws Exception {
        String appId = applicationId(run, subject, System.currentTimeMillis());
        LaunchFiles files = new LaunchFiles(stack.workDir);
        files.keepNewest(LaunchFiles.KEPT_LAUNCHES - 1);
        Path stateDir = files.state(appId);
        Properties props = shippedConfig(options.get("streams-config"));
        props.put("application.id", appId);
        props.put("bootstrap.servers", stack.bootstrapServers);
        props.put("schema.registry.url", stack.registryUrl);
        props.put("state.dir", stateDir.toString());
        props.put("auto.offset.reset", "earliest");
        props.put("segmentation.topic.partitions", Integer.toString(BenchSimulator.PARTITIONS));
        String[] inputKeys = {"registration", "sign.in", "sign.out", "item.view", "add.to.cart", "check.out"};
        for (int i = 0; i < inputKeys.length; i++) {
            props.put("segmentation.topic." + inputKeys[i], inputs.get(i));
        }
        List<String> outputs = new ArrayList<>();
        for (String output : OUTPUTS) {
            String topic = appId + ".out." + output.replace('.', '_');
            props.put("segmentation.topic." + output + ".output", topic);
            outputs.add(topic);
        }
        props.put("segmentation.topic.dead.letter", appId + ".dead_letter");
        outputs.add(appId + ".dead_letter");
        if (subject == Subject.INTAKE_FLOOR) {
            // The floor writes nothing, and creates none of the application's topics.
            outputs.clear();
        }
        for (String setting : options.getOrDefault("app-properties", "").split(",")) {
            if (!setting.isBlank()) {
                String[] keyValue = setting.split("=", 2);
                props.put(keyValue[0].trim(), keyValue[1].trim());
            }
        }
        if (!"exactly_once_v2".equals(props.getProperty("processing.guarantee"))) {
            throw new IllegalArgumentException("the benchmark measures exactly_once_v2");
        }
        Path file = files.settings(appId);
        try (var out = Files.newBufferedWriter(file)) {
            props.store(out, "segmentation benchmark");
        }
        Path log = files.log(appId);
        // The class archive or AOT cache is the application's own: the floor runs other classes.
        String javaOptions = options.getOrDefault("app-java-options", "") + " "
                + (subject == Subject.APPLICATION ? options.getOrDefault("app-archive-options", "") : "");
        System.out.printf("  application %s, JVM options [%s], settings %s, log %s%n", appId, javaOptions.trim(), file,
                log);

        Map<TopicPartition, Long> inputEnds = stableEnds(stack, inputs, BenchSimulator.PARTITIONS);
        List<String> command = new ArrayList<>(List.of(BenchStack.javaBinary(), "-Duser.timezone=UTC"));
        if (!javaOptions.contains("-Xmx")) {
            command.add("-Xmx1g");
        }
        if (!javaOptions.isBlank()) {
            command.addAll(List.of(javaOptions.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", subject.classpath(options.get("app-classpath")), subject.mainClass,
                file.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long launchNanos = System.nanoTime();
        // Internal topics are named <appId>-..., this run's own <appId>.out... and <appId>.dead_letter.
        Leftovers.Leftover launch = stack.leftovers.add(appId + "'s process, topics, consumer group and state",
                Removal.process(process.toHandle()), Removal.topicsStartingWith(appId + "-", appId + "."),
                Removal.groups(appId), Removal.path(stateDir));
        try {
            long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            while (!Files.readString(log).contains("-> RUNNING")) {
                check(process, deadline, log);
                Thread.sleep(10);
            }
            long startNanos = System.nanoTime();
            double startCpu = ProcessCpu.seconds(process.pid());
            Map<String, ProcessCpu.ThreadCpu> startThreads = ProcessCpu.threads(process.pid(), appId);
            long[] startTicks = machineTicks();
            String loadBefore = loadAverage();
            // Once every input record is in a committed offset, so is every contribution written to the
            // repartition topic; once those are committed too, the windows' last output is. Offsets are read five
            // times a second: each read costs the broker CPU the application shares, and a run lasts a minute.
            long inputTotal = inputEnds.values().stream().mapToLong(Long::longValue).sum();
            long fifthReadNanos = 0;
            while (!covered(stack, appId, inputEnds)) {
                check(process, deadline, log);
                if (fifthReadNanos == 0 && 5 * committedSum(stack, appId, inputEnds) >= inputTotal) {
                    fifthReadNanos = System.nanoTime();
                }
                Thread.sleep(200);
            }
            long inputReadNanos = System.nanoTime();
            long betweenStages = 0;
            if (subject == Subject.APPLICATION) {
                Map<TopicPartition, Long> repartitionEnds = stableEnds(stack, List.of(appId + REPARTITION),
                        BenchSimulator.PARTITIONS);
                while (!covered(stack, appId, repartitionEnds)) {
                    check(process, deadline, log);
                    Thread.sleep(200);
                }
                // Offsets count the transactions' commit markers too, one per partition and commit: a few hundred.
                betweenStages = repartitionEnds.values().stream().mapToLong(Long::longValue).sum();
            }
            long endNanos = System.nanoTime();
            long peakResident = ProcessCpu.peakResidentBytes(process.pid());
            double cpu = ProcessCpu.seconds(process.pid()) - startCpu;
            Map<String, Double> threads = ProcessCpu.byKind(startThreads, ProcessCpu.threads(process.pid(), appId),
                    cpu);
            long[] endTicks = machineTicks();
            String loadAfter = loadAverage();
            double busy = 1 - (double) (endTicks[1] - startTicks[1]) / (endTicks[0] - startTicks[0]);
            double totalCpu = stop(process);
            double seconds = (endNanos - startNanos) / 1e9;
            // The steady rate leaves out the first fifth of the input, read while the JVM still compiles.
            double steadyRate = fifthReadNanos == 0 ? events / seconds
                    : 0.8 * events / ((inputReadNanos - fifthReadNanos) / 1e9);
            return new AppRun(events / seconds, seconds, cpu, totalCpu, events / cpu, threads, betweenStages,
                    directorySize(stateDir), storeSizes(stateDir), changelogSizes(stack, appId),
                    outputRows(stack, outputs, appId), busy, loadBefore, loadAfter, (endNanos - launchNanos) / 1e9,
                    fifthReadNanos == 0 ? 0 : (fifthReadNanos - startNanos) / 1e9,
                    steadyRate, peakResident);
        } finally {
            launch.remove();
        }
    }

    /**
     * The subject's application id, which names its consumer group and topics: new for every launch. Consumer
     * groups outlive a run, and a launch that found an earlier one's group would find every input offset committed
     * already and time nothing.
     */
    static String applicationId(String run, Subject subject, long nowMs) {
        return run + (subject == Subject.APPLICATION ? "-app" : "-floor") + nowMs;
    }

    /**
     * The settings the stack ships, so the benchmark measures them; their {@code ${env:...}} values are all
     * replaced.
     */
    private static Properties shippedConfig(String path) throws IOException, URISyntaxException {
        Path file;
        if (path != null) {
            file = Path.of(path);
        } else {
            // This class runs from <repository>/local-stack/target/classes.
            Path classes = Path.of(StreamsBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            file = classes.resolve("../../../connector-configs/segmentation-streams.properties").normalize();
        }
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        }
        return props;
    }

    private static void check(Process process, long deadline, Path log) {
        if (!process.isAlive()) {
            throw new IllegalStateException("the application stopped; see " + log);
        }
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the application did not read its input within 30 minutes; see " + log);
        }
    }

    /**
     * Read-committed end offsets. A transactional partition ends with a commit marker, which a consumer's committed
     * offset may stop short of when nothing followed it; every record is processed once the offset reaches it.
     */
    private static Map<TopicPartition, Long> stableEnds(BenchStack stack, List<String> topics, int partitions)
            throws Exception {
        Map<TopicPartition, Long> ends = new HashMap<>();
        stack.endOffsets(topics, partitions, IsolationLevel.READ_COMMITTED)
                .forEach((partition, end) -> ends.put(partition, Math.max(0, end - 1)));
        return ends;
    }

    private static long committedSum(BenchStack stack, String group, Map<TopicPartition, Long> ends)
            throws Exception {
        Map<TopicPartition, Long> committed = stack.committedOffsets(group);
        return ends.keySet().stream().mapToLong(partition -> committed.getOrDefault(partition, 0L)).sum();
    }

    private static boolean covered(BenchStack stack, String group, Map<TopicPartition, Long> ends) throws Exception {
        Map<TopicPartition, Long> committed = stack.committedOffsets(group);
        return ends.entrySet().stream().allMatch(end -> committed.getOrDefault(end.getKey(), 0L) >= end.getValue());
    }

    /** Stops the application as a user would (its shutdown hook closes Kafka Streams) and returns its CPU time. */
    private static double stop(Process process) throws Exception {
        double cpu = ProcessCpu.seconds(process.pid());
        process.destroy();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (process.isAlive() && System.nanoTime() < deadline) {
            try {
                cpu = ProcessCpu.seconds(process.pid());
            } catch (IOException exited) {
                // Gone between the two checks; the last reading stands, short by at most one interval.
                break;
            }
            Thread.sleep(20);
        }
        return cpu;
    }

    /** The committed rows of each output topic, to tell at a glance that every metric was written. */
    private static Map<String, Long> outputRows(BenchStack stack, List<String> topics, String appId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Long> rows = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
                rows.put(topic.substring(appId.length() + 1), 0L);
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(
                        record -> rows.merge(record.topic().substring(appId.length() + 1), 1L, Long::sum));
            }
        }
        return rows;
    }

    private static String seconds(Map<String, Double> byKind) {
        StringBuilder text = new StringBuilder();
        byKind.forEach((kind, seconds) -> text.append(text.isEmpty() ? "" : ", ")
                .append(String.format("%s %.1f s", kind, seconds)));
        return text.toString();
    }

    /** All CPU ticks of the machine and its idle ones (idle plus I/O wait), from /proc/stat. */
    private static long[] machineTicks() throws IOException {
        String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < Math.min(cpu.length, 9); i++) {
            total += Long.parseLong(cpu[i]);
        }
        return new long[] {total, Long.parseLong(cpu[4]) + Long.parseLong(cpu[5])};
    }

    private static String loadAverage() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0];
    }

    private static long directorySize(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /**
     * Bytes per store over all tasks. Key-value stores live in {@code <task>/rocksdb/<store>}, segmented window
     * stores in {@code <task>/<store>}.
     */
    private static Map<String, Long> storeSizes(Path stateDir) throws IOException {
        Map<String, Long> sizes = new TreeMap<>();
        try (Stream<Path> files = Files.walk(stateDir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path relative = stateDir.relativize(file);
                // <application id>/<task>/...
                if (relative.getNameCount() < 4) {
                    continue;
                }
                String store = relative.getName(2).toString();
                if (store.equals("rocksdb") && relative.getNameCount() > 4) {
                    store = relative.getName(3).toString();
                }
                sizes.merge(store, file.toFile().length(), Long::sum);
            }
        }
        return sizes;
    }

    /**
     * Bytes per store of its changelog on the broker, compacted or not yet: the only size an in-memory store has
     * on disk, and what a restart of it reads.
     */
    private static Map<String, Long> changelogSizes(BenchStack stack, String appId) throws Exception {
        String prefix = appId + "-";
        String suffix = "-changelog";
        Map<String, Long> sizes = new TreeMap<>();
        stack.topicSizes().forEach((topic, bytes) -> {
            if (topic.startsWith(prefix) && topic.endsWith(suffix)) {
                sizes.put(topic.substring(prefix.length(), topic.length() - suffix.length()), bytes);
            }
        });
        return sizes;
    }

    private static String mib(Map<String, Long> sizes) {
        StringBuilder out = new StringBuilder();
        sizes.forEach((store, bytes) -> out.append(out.length() == 0 ? "" : ", ").append(store)
                .append(String.format(" %.1f", bytes / 1048576.0)));
        return out.toString();
    }

    /** What runs against the perf tool: the application, and its intake alone as the floor under it. */
    enum Subject {
        APPLICATION("dev.segmentation.window.SegmentationApp"),
        INTAKE_FLOOR(IntakeFloorApp.class.getName());

        final String mainClass;

        Subject(String mainClass) {
            this.mainClass = mainClass;
        }

        /** The floor's class is the benchmark's own, beside the application's classes. */
        String classpath(String appClasspath) throws URISyntaxException {
            if (this == APPLICATION) {
                return appClasspath;
            }
            return appClasspath + File.pathSeparator
                    + Path.of(IntakeFloorApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        }
    }

    private record AppRun(double eventsPerSecond, double seconds, double cpuSeconds, double totalCpuSeconds,
                          double eventsPerCpuSecond, Map<String, Double> cpuByThread, long betweenStages,
                          long stateBytes, Map<String, Long> storeBytes, Map<String, Long> changelogBytes,
                          Map<String, Long> outputRows, double machineBusy, String loadBefore, String loadAfter,
                          double secondsToResults, double secondsToFirstFifth, double steadyEventsPerSecond,
                          long peakResidentBytes) {

        /** From launch to RUNNING, where the run's own time begins. */
        double secondsToStart() {
            return secondsToResults - seconds;
        }
    }
}
