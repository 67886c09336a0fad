package dev.segmentation.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Partials that meet across rebalances, on the real stack. The stack comes up as the README says, with its Streams
 * instance, and the README's own backfill config (late, out-of-order, duplicate and malformed events switched on)
 * runs through it, shortened to two simulated days: that instance's rows, made without any incident, are the
 * reference. Then two more instances, under an application id of their own, read the same input from the start: the
 * first alone, the second joining part-way (a rebalance hands it tasks, their state restored from the changelogs),
 * then the first killed with {@code kill -9} part-way (another rebalance hands its tasks, open panes included, to the
 * second). Every final row, late count and user's last segment row they write must equal the reference's, and
 * every final row must be written once. {@code SegmentationBackfillIT} checks the reference path
 * against the definitions; this one checks that rebalances change nothing. Run it with {@code mvn -pl local-stack
 * -am verify -Dit.test=SegmentationRebalanceIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
class SegmentationRebalanceIT {

    private static final String CONNECTOR = "rebalance-backfill";
    private static final String REFERENCE_ID = "segmentation";
    private static final String REBALANCED_ID = "segmentation-rebalanced";
    /** The rebalanced run's output topics are the reference's with this prefix. */
    private static final String PREFIX = "rebalanced_";
    private static final List<String> FINAL_ROW_TOPICS = List.of("segment_registrations", "segment_active_users",
            "segment_sessions", "segment_funnel", "segment_revenue");
    private static final List<String> INPUT_TOPICS = BackfillExpectations.INPUT_TOPICS;
    private static final int TASKS = 3;
    private static final Duration TIMEOUT = Duration.ofMinutes(4);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalStack stack;
    private static Admin admin;
    private static boolean passed;
    private static final List<Process> instances = new ArrayList<>();
    private static long inputRecords;
    private static double progressWhenTheSecondJoined;
    private static double progressWhenTheFirstWasKilled;
    private static Path secondStateDir;

    @BeforeAll
    static void backfillThenReadItAgainWithRebalances() throws Exception {
        stack = LocalStack.up("segmentation-rebalance", Map.of());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()));
        stack.connect("PUT", "/connectors/" + CONNECTOR + "/config", simulatorConfig());
        awaitUntil(() -> simulatorFinished() && caughtUp(REFERENCE_ID),
                "the simulator's watermarks and the reference instance's last output");
        inputRecords = committedEnds(INPUT_TOPICS).values().stream().mapToLong(Long::longValue).sum();

        Process first = startInstance("first");
        awaitUntil(() -> progress() >= 0.1, "a tenth of the input read by the first instance");
        Path secondLog = stack.home().resolve("logs/rebalanced-second.log");
        Process second = startInstance("second");
        awaitUntil(() -> Files.exists(secondLog) && Files.readString(secondLog).contains("-> RUNNING"),
                "the second instance RUNNING");
        progressWhenTheSecondJoined = progress();
        awaitUntil(() -> progress() >= Math.min(0.5, progressWhenTheSecondJoined + 0.2),
                "more of the input read by both instances");
        progressWhenTheFirstWasKilled = progress();
        first.destroyForcibly().waitFor();
        awaitUntil(() -> caughtUp(REBALANCED_ID), "the second instance's last output");
        second.destroy();
        second.waitFor();
        System.out.printf("Rebalance IT: %d input records; the second instance joined at %.0f%% of the input, the "
                + "first was killed at %.0f%%%n", inputRecords, 100 * progressWhenTheSecondJoined,
                100 * progressWhenTheFirstWasKilled);
        passed = true;
    }

    @AfterAll
    static void stopEverything() throws Exception {
        instances.forEach(Process::destroyForcibly);
        if (admin != null) {
            admin.close();
        }
        if (stack != null) {
            // A failed run keeps its home, logs included, for a look at what happened.
            assertThat(stack.downAndListSurvivors(passed)).as("processes of the stack in %s after ./pipeline down",
                    stack.home()).isEmpty();
        }
    }

    @Test
    void bothRebalancesCameWhileInputRemainedAndTheSecondInstanceTookTasks() {
        track(() -> {
            assertThat(inputRecords).as("input records").isGreaterThan(100_000);
            assertThat(progressWhenTheSecondJoined).as("read when the second instance joined").isLessThan(1);
            assertThat(progressWhenTheFirstWasKilled).as("read when the first instance was killed").isLessThan(1);
            try (Stream<Path> tasks = Files.list(secondStateDir.resolve(REBALANCED_ID))) {
                assertThat(tasks.map(path -> path.getFileName().toString()).filter(name -> name.matches("\\d+_\\d+")))
                        .as("task directories of the second instance").isNotEmpty();
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"segment_registrations", "segment_active_users", "segment_sessions", "segment_funnel",
            "segment_revenue"})
    void everyFinalRowIsTheReferencesAndWrittenOnce(String topic) {
        track(() -> {
            TopicReader reader = reader();
            List<ConsumerRecord<GenericRecord, GenericRecord>> rebalanced = reader.rows(PREFIX + topic);
            Map<String, Long> writes = rebalanced.stream()
                    .collect(Collectors.groupingBy(record -> record.key().toString(), TreeMap::new,
                            Collectors.counting()));
            assertThat(writes.values().stream().filter(count -> count > 1)).as("keys of %s written more than once",
                    PREFIX + topic).isEmpty();
            Map<String, Map<String, Object>> reference = lastRows(reader.rows(topic));
            assertThat(reference).as("reference rows of %s", topic).isNotEmpty();
            assertThat(lastRows(rebalanced)).as("rows of %s against %s", PREFIX + topic, topic).isEqualTo(reference);
        });
    }

    @Test
    void everyLateCountAndEveryUsersLastSegmentRowIsTheReferences() {
        track(() -> {
            TopicReader reader = reader();
            for (String topic : List.of("segment_late_events", "user_segments")) {
                Map<String, Map<String, Object>> reference = lastRows(reader.rows(topic));
                assertThat(reference).as("reference rows of %s", topic).isNotEmpty();
                assertThat(lastRows(reader.rows(PREFIX + topic))).as("rows of %s against %s", PREFIX + topic, topic)
                        .isEqualTo(reference);
            }
        });
    }

    /** The README's backfill config, two simulated days of it: enough input for the rebalances to come part-way. */
    private static JsonNode simulatorConfig() throws IOException {
        ObjectNode config = (ObjectNode) JSON.readTree(
                LocalStack.repository().resolve("connector-configs/simulator-backfill.json").toFile());
        Instant start = Instant.parse(config.path("clock.start").asText());
        config.put("clock.end", start.plus(Duration.ofDays(2)).toString());
        config.put("tasks.max", Integer.toString(TASKS));
        return config;
    }

    /** Another instance of the application, as docs/operations.md starts one, under the rebalanced run's id. */
    private static Process startInstance(String name) throws IOException {
        Properties settings = new Properties();
        try (InputStream in = Files.newInputStream(
                LocalStack.repository().resolve("connector-configs/segmentation-streams.properties"))) {
            settings.load(in);
        }
        settings.setProperty("application.id", REBALANCED_ID);
        for (String key : settings.stringPropertyNames()) {
            if (key.startsWith("segmentation.topic.") && (key.endsWith(".output") || key.endsWith(".dead.letter"))) {
                settings.setProperty(key, PREFIX + settings.getProperty(key));
            }
        }
        // A killed instance's tasks move once the broker gives up on it: sooner than the default 45 s.
        settings.setProperty("session.timeout.ms", "10000");
        Path file = stack.home().resolve("config/rebalanced-" + name + ".properties");
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            settings.store(out, "the rebalanced run's instance " + name);
        }
        Path stateDir = stack.home().resolve("state/rebalanced-" + name);
        if (name.equals("second")) {
            secondStateDir = stateDir;
        }
        Path streams = LocalStack.repository().resolve("connect-smt-window/streams/target");
        String jar;
        try (Stream<Path> files = Files.list(streams)) {
            jar = files.map(Path::toString).filter(path -> path.endsWith(".jar") && !path.endsWith("-tests.jar"))
                    .findFirst().orElseThrow();
        }
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch", "-XX:+UseParallelGC", "-XX:-TieredCompilation",
                "-Duser.timezone=UTC",
                "-cp", jar + ":" + streams.resolve("lib") + "/*", "dev.segmentation.window.SegmentationApp",
                file.toString())
                .redirectErrorStream(true)
                .redirectOutput(stack.home().resolve("logs/rebalanced-" + name + ".log").toFile());
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers());
        builder.environment().put("SCHEMA_REGISTRY_URL", stack.registryUrl());
        builder.environment().put("SEGMENTATION_STATE_DIR", stateDir.toString());
        Process process = builder.start();
        instances.add(process);
        return process;
    }

    /** Every simulator task has committed the offset that says its watermarks are out. */
    private static boolean simulatorFinished() throws IOException, InterruptedException {
        return stack.connect("GET", "/connectors/" + CONNECTOR + "/offsets", null).path("offsets")
                .findValues("watermark.sent").stream().filter(JsonNode::asBoolean).count() == TASKS;
    }

    /** The read-committed end of every partition of the topics, each of {@link #TASKS} partitions. */
    private static Map<TopicPartition, Long> committedEnds(List<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (String topic : topics) {
            for (int partition = 0; partition < TASKS; partition++) {
                latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
            }
        }
        return admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get()
                .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().offset()));
    }

    /** The share of the input the rebalanced run has committed. */
    private static double progress() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(REBALANCED_ID)
                .partitionsToOffsetAndMetadata().get();
        long read = committed.entrySet().stream().filter(entry -> INPUT_TOPICS.contains(entry.getKey().topic()))
                .mapToLong(entry -> entry.getValue().offset()).sum();
        return (double) read / inputRecords;
    }

    /**
     * Whether an application has committed every input partition and every partition of its repartition topic to the
     * end; with exactly-once, its outputs of all of it are committed then. A transaction's commit marker takes the
     * last offset of a partition, so one read to the end is at most one short of it.
     */
    private static boolean caughtUp(String applicationId) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                .partitionsToOffsetAndMetadata().get();
        List<String> topics = new ArrayList<>(INPUT_TOPICS);
        topics.add(applicationId + "-contributions-by-segment-repartition");
        return committedEnds(topics).entrySet().stream().allMatch(end -> committed.containsKey(end.getKey())
                && end.getValue() - committed.get(end.getKey()).offset() <= 1);
    }

    private static TopicReader reader() {
        return new TopicReader(stack.bootstrapServers(), stack.registryUrl());
    }

    /**
     * The last row of every key, without {@code emitted_at}, the wall-clock time of writing. Rows of one key share a
     * partition, so the last one read is the last one written.
     */
    private static Map<String, Map<String, Object>> lastRows(List<ConsumerRecord<GenericRecord, GenericRecord>> rows) {
        Map<String, Map<String, Object>> last = new TreeMap<>();
        for (ConsumerRecord<GenericRecord, GenericRecord> row : rows) {
            Map<String, Object> fields = new TreeMap<>();
            for (Schema.Field field : row.value().getSchema().getFields()) {
                if (!field.name().equals("emitted_at")) {
                    Object value = row.value().get(field.name());
                    fields.put(field.name(), value == null ? null : value.toString());
                }
            }
            last.put(row.key().toString(), fields);
        }
        return last;
    }

    /** Records whether every check passed, so that the stack's home is kept for a look after a failure. */
    private static void track(ThrowingCheck check) {
        try {
            check.run();
        } catch (Exception e) {
            passed = false;
            throw new AssertionError(e);
        } catch (AssertionError e) {
            passed = false;
            throw e;
        }
    }

    private interface ThrowingCheck {
        void run() throws Exception;
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void awaitUntil(Condition condition, String what) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("No " + what + " within " + TIMEOUT + "; see the logs in "
                        + stack.home().resolve("logs"));
            }
            Thread.sleep(250);
        }
    }
}
