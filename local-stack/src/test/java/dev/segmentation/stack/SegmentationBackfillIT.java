package dev.segmentation.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.segmentation.stack.BackfillExpectations.Event;
import dev.segmentation.stack.BackfillExpectations.RowKey;
import dev.segmentation.stack.BackfillExpectations.UserRow;

/**
 * The segmentation stage over the real stack, used as the README says: {@code ./pipeline up} with the Streams app
 * running, then a bounded simulator run of two simulated days deployed through the Connect REST API, with every
 * imperfection the simulator can make switched on (late, out-of-order, duplicate and malformed events), on three
 * tasks and partitions. Part way through the run the Connect worker is killed ({@code kill -9}) and started again,
 * and then, separately, the Streams app. Every final row in the aggregate topics, every late-event count, every
 * dead letter and every row in {@code user_segments} (in order; compaction may leave some out, never a user's last),
 * decoded with the registry, must equal {@link BackfillExpectations}' computation from the definitions
 * (docs/streams.md) over the input records read back from Kafka. Run it with {@code mvn -pl local-stack -am verify -Dit.test=SegmentationBackfillIT -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
class SegmentationBackfillIT {

    private static final String CONNECTOR = "backfill-simulator";
    private static final String APPLICATION_ID = "segmentation";
    private static final String REPARTITION_TOPIC = APPLICATION_ID + "-contributions-by-segment-repartition";
    private static final String WINDOW_CHANGELOG = APPLICATION_ID + "-segment-window-metrics-changelog";
    private static final String LATE_TOPIC = "segment_late_events";
    private static final String USER_SEGMENTS_TOPIC = "user_segments";
    private static final String DEAD_LETTER_TOPIC = "segmentation_dead_letter";
    private static final Map<String, String> METRIC_TOPICS = Map.of(
            "registrations", "segment_registrations",
            "active_users", "segment_active_users",
            "sessions", "segment_sessions",
            "funnel", "segment_funnel",
            "revenue", "segment_revenue");
    /** Fields every windowed row repeats from its key, and the wall-clock stamp; the rest are the metric's own. */
    private static final Set<String> ROW_FRAME = Set.of("window_start", "window_end", "age_band",
            "preferred_language", "email_domain", "emitted_at");
    /**
     * Simulator tasks, and partitions of every topic: more than one, so that several per-user tasks feed each window
     * partition and the windows' alignment of them, watermarks included, is checked row for row.
     */
    private static final int TASKS = 3;
    private static final Instant START = Instant.parse("2026-03-02T00:00:00Z");
    private static final Instant END = Instant.parse("2026-03-04T00:00:00Z");
    /** Simulated seconds per second: the two days take about 40 seconds, time to kill and restart in the middle. */
    private static final int ACCELERATION = 4_320;
    private static final Duration SIMULATOR_TIMEOUT = Duration.ofSeconds(240);
    private static final Duration STREAMS_TIMEOUT = Duration.ofSeconds(180);

    private static LocalStack stack;
    private static boolean passed;
    private static BackfillExpectations.Settings settings;
    private static final List<BackfillExpectations.InputRecord> input = new ArrayList<>();
    private static BackfillExpectations expected;
    private static final Map<String, List<ConsumerRecord<GenericRecord, GenericRecord>>> outputs = new HashMap<>();
    private static List<ConsumerRecord<byte[], byte[]>> deadLetters;
    private static boolean workerKilledMidRun;
    private static boolean appKilledMidRun;
    private static double workerOutageSeconds;

    @BeforeAll
    static void backfillThroughTheStack() throws Exception {
        long began = System.nanoTime();
        settings = BackfillExpectations.Settings.of(committedStreamsProperties());
        stack = LocalStack.up("segmentation-backfill", Map.of());
        long up = System.nanoTime();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            stack.connect("PUT", "/connectors/" + CONNECTOR + "/config", simulatorConfig());
            workerKilledMidRun = killTheWorkerPartWayThenRestart();
            appKilledMidRun = killTheAppPartWayThenRestart(admin);
            awaitUntil(SIMULATOR_TIMEOUT, SegmentationBackfillIT::simulatorFinished,
                    () -> "The simulator did not send its watermarks within " + SIMULATOR_TIMEOUT + "; status: "
                            + stack.connect("GET", "/connectors/" + CONNECTOR + "/status", null)
                            + "; see " + stack.log("connect"));
            long simulated = System.nanoTime();
            awaitUntil(STREAMS_TIMEOUT, () -> streamsBehind(admin).isEmpty(),
                    () -> "The Streams app did not consume its input and repartition topics to the end within "
                            + STREAMS_TIMEOUT + "; behind (partition=committed/end): " + streamsBehind(admin)
                            + "; see " + stack.log("streams"));
            long processed = System.nanoTime();
            readTopics();
            expected = BackfillExpectations.compute(input, settings);
            System.out.printf("Backfill IT: stack up %.1f s, simulator run with two kills %.1f s (worker back after "
                            + "%.1f s), Streams caught up %.1f s later, read and computed in %.1f s; %d input records, "
                            + "%d users, %d sessions ended, rows %s, input %s%n",
                    seconds(began, up), seconds(up, simulated), workerOutageSeconds, seconds(simulated, processed),
                    seconds(processed, System.nanoTime()), input.size(), expected.users.size(),
                    expected.sessionsEnded, expected.rowCounts(), expected.happenings);
        }
        passed = true;
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (stack == null) {
            return;
        }
        // A failed run keeps its home, logs included, for a look at what happened.
        List<Long> survivors = stack.downAndListSurvivors(passed);
        assertThat(survivors).as("processes of the stack in %s after ./pipeline down", stack.home()).isEmpty();
    }

    @Test
    void theRunEndedEverySessionAndClosedEveryWindow() {
        track(() -> {
            assertThat(input).as("input records").hasSizeGreaterThan(10_000);
            assertThat(expected.sessionsLeftOpen).as("sessions still open after the watermarks").isZero();
            assertThat(expected.windowsLeftOpen).as("windows with data still open after the watermarks").isZero();
            // Two days of steady traffic: the total has viewers in every window that overlaps the run.
            Set<Long> totalWindows = expected.rows.get("funnel").keySet().stream()
                    .filter(key -> key.ageBand().equals(BackfillExpectations.ALL)).map(RowKey::windowStart)
                    .collect(Collectors.toCollection(TreeSet::new));
            long overlapping = (END.toEpochMilli() - START.toEpochMilli() + settings.sizeMs()) / settings.advanceMs() - 1;
            assertThat(totalWindows).as("windows of the total with viewers").hasSize((int) overlapping);
        });
    }

    @Test
    void theInputHadEveryImperfection() {
        track(() -> assertThat(expected.happenings).as("imperfections in the input")
                .containsKeys("late", "behind its topic, within grace", "duplicate", "invalid"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"registrations", "active_users", "sessions", "funnel", "revenue"})
    void everyFinalRowOfTheMetricEqualsTheIndependentComputation(String metric) {
        track(() -> {
            String topic = METRIC_TOPICS.get(metric);
            Map<RowKey, List<Map<String, Object>>> actual = new TreeMap<>();
            List<String> malformed = new ArrayList<>();
            for (ConsumerRecord<GenericRecord, GenericRecord> record : outputs.get(topic)) {
                RowKey key = rowKey(record.key());
                String problem = frameProblem(key, metric, record.value());
                if (problem != null) {
                    malformed.add(key + ": " + problem);
                }
                actual.computeIfAbsent(key, k -> new ArrayList<>()).add(metricFields(record.value()));
            }
            Map<RowKey, Map<String, Object>> want = expected.rows.get(metric);
            List<String> repeated = actual.entrySet().stream().filter(e -> e.getValue().size() > 1)
                    .map(e -> e.getKey() + " written " + e.getValue().size() + " times: " + e.getValue()).toList();

            assertThat(malformed).as("rows of %s whose window or segment disagree with their key", topic).isEmpty();
            assertThat(repeated).as("keys of %s with more than one final row", topic).isEmpty();
            assertThat(differences(want, first(actual))).as("differences between %s and the expected %d rows",
                    topic, want.size()).isEmpty();
            assertThat(want).as("expected rows of %s", metric).isNotEmpty();
        });
    }

    @Test
    void theWorkerAndTheAppWereEachKilledPartWayAndRestarted() {
        track(() -> {
            assertThat(workerKilledMidRun).as("the worker was killed before the simulator had finished").isTrue();
            assertThat(appKilledMidRun).as("the app was killed before it had read all its input").isTrue();
            assertThat(workerOutageSeconds * 1000).as("the worker's outage against the idle limit")
                    .isLessThan(settings.idleMs() / 2.0);
        });
    }

    @Test
    void everyLateCountEqualsTheLateEventsOfTheIndependentComputation() {
        track(() -> {
            Map<RowKey, List<Long>> actual = new TreeMap<>();
            for (ConsumerRecord<GenericRecord, GenericRecord> record : outputs.get(LATE_TOPIC)) {
                // Running counts, upserted on the key; one key's rows share a partition, so the last one read is final.
                actual.put(rowKey(record.key()), List.of(((Number) record.value().get("late_events")).longValue(),
                        ((Number) record.value().get("late_sessions")).longValue()));
            }
            assertThat(expected.late).as("expected late counts").isNotEmpty();
            assertThat(differences(expected.late, actual)).as("differences between %s and the expected %d rows",
                    LATE_TOPIC, expected.late.size()).isEmpty();
        });
    }

    @Test
    void theDeadLettersAreTheInvalidAndExpiredRecords() {
        track(() -> {
            Set<BackfillExpectations.DeadLetter> actual = deadLetters.stream()
                    .map(SegmentationBackfillIT::deadLetter).collect(Collectors.toSet());
            assertThat(expected.deadLetters).as("expected dead letters").isNotEmpty();
            assertThat(actual).isEqualTo(expected.deadLetters);
        });
    }

    @Test
    void everyUserSegmentRowIsOneTheIndependentComputationGivesInItsOrder() {
        track(() -> {
            Map<String, List<UserRow>> actual = new TreeMap<>();
            for (ConsumerRecord<GenericRecord, GenericRecord> record : outputs.get(USER_SEGMENTS_TOPIC)) {
                GenericRecord row = record.value();
                // One user's rows share a key and so a partition: they are read in the order they were written.
                UserRow user = new UserRow(text(row, "age_band"), text(row, "preferred_language"),
                        text(row, "email_domain"), text(row, "lifecycle_segment"), text(row, "value_segment"),
                        (Long) row.get("registered_at"), (Integer) row.get("check_outs"),
                        (Long) row.get("revenue_cents"), (Long) row.get("last_check_out_at"), (Long) row.get("as_of"));
                actual.computeIfAbsent(record.key().get("user_id").toString(), id -> new ArrayList<>()).add(user);
            }
            assertThat(rowsNotAsExpected(expected.users, actual)).as("differences between %s and the expected rows of "
                    + "%d users", USER_SEGMENTS_TOPIC, expected.users.size()).isEmpty();
        });
    }

    /** Records whether every check passed, so that the stack's home is kept for a look after a failure. */
    private static void track(Runnable check) {
        try {
            check.run();
        } catch (RuntimeException | AssertionError e) {
            passed = false;
            throw e;
        }
    }

    /** The settings the app runs with: the committed file, as the launcher starts it. */
    private static Properties committedStreamsProperties() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(
                LocalStack.repository().resolve("connector-configs/segmentation-streams.properties"))) {
            properties.load(in);
        }
        return properties;
    }

    /**
     * Two simulated days of a small population on {@link #TASKS} tasks and partitions, accelerated so that the run
     * lasts long enough to be interrupted, with the imperfections the issue of exact metrics was found with.
     */
    private static Map<String, String> simulatorConfig() {
        // Past the last event, sessions still time out and their windows must close: the watermark leads by more.
        long lead = settings.sessionTimeoutMs() + settings.sizeMs() + 2 * settings.graceMs() + settings.advanceMs();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "dev.segmentation.simulator.UserEventSourceConnector");
        config.put("tasks.max", Integer.toString(TASKS));
        config.put("topic.partitions", Integer.toString(TASKS));
        config.put("seed", "20260302");
        config.put("clock", "accelerated");
        config.put("clock.acceleration", Integer.toString(ACCELERATION));
        config.put("clock.start", START.toString());
        config.put("clock.end", END.toString());
        config.put("registrations.per.hour", "15");
        config.put("returning.sessions.per.hour", "45");
        config.put("watermark.lead.ms", Long.toString(lead));
        config.put("late.fraction", "0.02");
        config.put("out.of.order.fraction", "0.02");
        config.put("duplicate.fraction", "0.01");
        config.put("malformed.fraction", "0.005");
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", "dev.segmentation.avro.DirectAvroConverter");
        config.put("value.converter.schema.registry.url", "${env:SCHEMA_REGISTRY_URL}");
        config.put("topic.creation.default.partitions", Integer.toString(TASKS));
        config.put("topic.creation.default.replication.factor", "-1");
        config.put("topic.creation.default.retention.ms", "-1");
        config.put("exactly.once.support", "required");
        config.put("transaction.boundary", "interval");
        config.put("transaction.boundary.interval.ms", "1000");
        return config;
    }

    /**
     * Kills the Connect worker (SIGKILL) once every simulator task has committed some of its run, and starts it
     * again with {@code ./pipeline up}. With exactly-once source delivery the open transactions are aborted and the
     * tasks resume from their committed offsets; the Streams app meanwhile hears nothing from any partition and waits,
     * for less than the idle limit.
     *
     * @return whether the kill came before the simulator had finished
     */
    private static boolean killTheWorkerPartWayThenRestart() throws Exception {
        awaitUntil(SIMULATOR_TIMEOUT, () -> committedTasks() == TASKS,
                () -> "The simulator's tasks did not all commit offsets within " + SIMULATOR_TIMEOUT + "; see "
                        + stack.log("connect"));
        boolean beforeTheEnd = !simulatorFinished();
        long killed = System.nanoTime();
        kill("connect");
        stack.upAgain(Map.of());
        awaitUntil(SIMULATOR_TIMEOUT, SegmentationBackfillIT::tasksRunning,
                () -> "The simulator's tasks were not RUNNING again within " + SIMULATOR_TIMEOUT + "; see "
                        + stack.log("connect"));
        workerOutageSeconds = seconds(killed, System.nanoTime());
        return beforeTheEnd;
    }

    /**
     * Kills the app (SIGKILL, no clean shutdown) once it has committed some window aggregates after the worker came
     * back, and starts it again. With {@code exactly_once_v2} the records of its open transaction are aborted, its
     * state is restored from the changelogs, and it processes again from the committed offsets, so the rows compared
     * below must show neither a loss nor a double count.
     *
     * @return whether the kill came before the simulator had finished, so before the app had read all its input
     */
    private static boolean killTheAppPartWayThenRestart(Admin admin) throws Exception {
        long before = committedRecords(admin, WINDOW_CHANGELOG);
        awaitUntil(STREAMS_TIMEOUT, () -> committedRecords(admin, WINDOW_CHANGELOG) > before,
                () -> "The Streams app committed no window aggregate within " + STREAMS_TIMEOUT + "; see "
                        + stack.log("streams"));
        boolean beforeTheEnd = !simulatorFinished();
        kill("streams");
        // Event times here are months old. Let the broker's retention check pass while the app is down, so that a
        // topic or changelog that would delete them has done so before the app restores from it.
        Thread.sleep(2 * retentionCheckIntervalMs(admin));
        stack.upAgain(Map.of());
        return beforeTheEnd;
    }

    private static void kill(String part) throws Exception {
        long pid = Long.parseLong(Files.readString(stack.home().resolve("run/" + part + ".pid")).trim());
        ProcessHandle process = ProcessHandle.of(pid)
                .orElseThrow(() -> new AssertionError("no " + part + " process " + pid));
        // The launcher may run the JVM under a wrapper: kill the whole tree, as a crash of the machine would.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.onExit().get(30, TimeUnit.SECONDS);
    }

    private static long retentionCheckIntervalMs(Admin admin) throws ExecutionException, InterruptedException {
        String broker = admin.describeCluster().nodes().get().iterator().next().idString();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, broker);
        return Long.parseLong(admin.describeConfigs(List.of(resource)).all().get().get(resource)
                .get("log.retention.check.interval.ms").value());
    }

    /** Records in committed transactions, and their markers, in every partition of a topic; 0 if there is none. */
    private static long committedRecords(Admin admin, String topic) throws ExecutionException, InterruptedException {
        if (!admin.listTopics().names().get().contains(topic)) {
            return 0;
        }
        return committedEnds(admin, List.of(topic)).values().stream().mapToLong(Long::longValue).sum();
    }

    /** How many simulator tasks have committed an offset. */
    private static int committedTasks() throws IOException, InterruptedException {
        return stack.connect("GET", "/connectors/" + CONNECTOR + "/offsets", null).path("offsets").size();
    }

    /** The connector and every one of its tasks are RUNNING. */
    private static boolean tasksRunning() {
        try {
            JsonNode status = stack.connect("GET", "/connectors/" + CONNECTOR + "/status", null);
            int running = 0;
            for (JsonNode task : status.path("tasks")) {
                running += task.path("state").asText().equals("RUNNING") ? 1 : 0;
            }
            return status.path("connector").path("state").asText().equals("RUNNING") && running == TASKS;
        } catch (IOException | RuntimeException e) {
            return false; // the worker is still starting
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Every task has committed the offset that says its watermarks are out. */
    private static boolean simulatorFinished() throws IOException, InterruptedException {
        JsonNode offsets = stack.connect("GET", "/connectors/" + CONNECTOR + "/offsets", null).path("offsets");
        int finished = 0;
        for (JsonNode entry : offsets) {
            if (entry.path("offset").path("watermark.sent").asBoolean(false)) {
                finished++;
            }
        }
        return finished == TASKS;
    }

    /**
     * Partitions of the input and repartition topics that the app has not consumed and committed to the end. With
     * exactly-once, the outputs of what it committed are committed too. A transaction's marker takes the last
     * offset, so a partition consumed to the end is one short of it.
     */
    private static Map<TopicPartition, String> streamsBehind(Admin admin) throws ExecutionException, InterruptedException {
        // Input first: once it is consumed, the repartition topic's end read after it is final.
        Map<TopicPartition, String> behind = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
        behind.putAll(behind(admin, BackfillExpectations.INPUT_TOPICS));
        if (!admin.listTopics().names().get().contains(REPARTITION_TOPIC)) {
            behind.put(new TopicPartition(REPARTITION_TOPIC, 0), "not created yet");
            return behind;
        }
        behind.putAll(behind(admin, List.of(REPARTITION_TOPIC)));
        return behind;
    }

    private static Map<TopicPartition, String> behind(Admin admin, List<String> topics)
            throws ExecutionException, InterruptedException {
        Map<TopicPartition, Long> ends = committedEnds(admin, topics);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(APPLICATION_ID)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, String> behind = new HashMap<>();
        ends.forEach((partition, end) -> {
            OffsetAndMetadata offset = committed.get(partition);
            long position = offset == null ? 0 : offset.offset();
            if (end - position > 1) {
                behind.put(partition, position + "/" + end);
            }
        });
        return behind;
    }

    /** The read-committed end offset of every partition of the topics. */
    private static Map<TopicPartition, Long> committedEnds(Admin admin, List<String> topics)
            throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicDescription topic : admin.describeTopics(topics).allTopicNames().get().values()) {
            topic.partitions().forEach(p -> latest.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get()
                .forEach((partition, info) -> ends.put(partition, info.offset()));
        return ends;
    }

    private static void readTopics() {
        TopicReader reader = new TopicReader(stack.bootstrapServers(), stack.registryUrl());
        for (String topic : BackfillExpectations.INPUT_TOPICS) {
            for (ConsumerRecord<String, GenericRecord> record : reader.events(topic)) {
                if (record.value() == null && record.headers().lastHeader("segmentation.watermark") == null) {
                    throw new IllegalStateException("A null value without the watermark header on " + topic);
                }
                input.add(new BackfillExpectations.InputRecord(topic, record.partition(), record.offset(),
                        record.timestamp(), record.key(), record.value() == null ? null : event(topic, record)));
            }
        }
        for (String topic : METRIC_TOPICS.values()) {
            outputs.put(topic, reader.rows(topic));
        }
        outputs.put(LATE_TOPIC, reader.rows(LATE_TOPIC));
        outputs.put(USER_SEGMENTS_TOPIC, reader.rows(USER_SEGMENTS_TOPIC));
        deadLetters = reader.raw(DEAD_LETTER_TOPIC);
    }

    private static Event event(String topic, ConsumerRecord<String, GenericRecord> record) {
        GenericRecord value = record.value();
        long eventTime = (Long) value.get("event_time");
        if (eventTime != record.timestamp()) {
            throw new IllegalStateException("Event " + value + " on " + topic + " disagrees with its record's "
                    + "timestamp " + record.timestamp());
        }
        return new Event(topic, record.timestamp(), text(value, "user_id"), text(value, "event_id"),
                has(value, "session_id") ? text(value, "session_id") : null,
                has(value, "age") ? (Integer) value.get("age") : null,
                has(value, "preferred_language") ? text(value, "preferred_language") : null,
                has(value, "email_domain") ? text(value, "email_domain") : null,
                has(value, "total_cents") ? ((Number) value.get("total_cents")).longValue() : null,
                (Integer) value.get("schema_version"));
    }

    private static BackfillExpectations.DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record) {
        return new BackfillExpectations.DeadLetter(header(record, "segmentation.dlq.source.topic"),
                Integer.parseInt(header(record, "segmentation.dlq.source.partition")),
                Long.parseLong(header(record, "segmentation.dlq.source.offset")),
                header(record, "segmentation.dlq.reason"));
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? "no " + name : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static boolean has(GenericRecord record, String field) {
        return record.getSchema().getField(field) != null;
    }

    private static String text(GenericRecord record, String field) {
        Object value = record.get(field);
        return value == null ? null : value.toString();
    }

    private static RowKey rowKey(GenericRecord key) {
        return new RowKey(text(key, "metric"), text(key, "age_band"), text(key, "preferred_language"),
                text(key, "email_domain"), (Long) key.get("window_start"));
    }

    /** What is wrong with a row's window and segment fields, or null. */
    private static String frameProblem(RowKey key, String metric, GenericRecord row) {
        if (!key.metric().equals(metric)) {
            return "metric " + key.metric() + " in the topic of " + metric;
        }
        RowKey fromRow = new RowKey(metric, text(row, "age_band"), text(row, "preferred_language"),
                text(row, "email_domain"), (Long) row.get("window_start"));
        if (!fromRow.equals(key)) {
            return "the row says " + fromRow;
        }
        long end = (Long) row.get("window_end");
        return end == key.windowStart() + settings.sizeMs() ? null : "window_end " + Instant.ofEpochMilli(end);
    }

    private static Map<String, Object> metricFields(GenericRecord row) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Schema.Field field : row.getSchema().getFields()) {
            if (!ROW_FRAME.contains(field.name())) {
                fields.put(field.name(), row.get(field.name()));
            }
        }
        return fields;
    }

    private static <K, V> Map<K, V> first(Map<K, List<V>> values) {
        Map<K, V> first = new TreeMap<>();
        values.forEach((key, list) -> first.put(key, list.get(0)));
        return first;
    }

    /**
     * Compares each user's rows in the compacted {@code user_segments} topic with the rows the definitions give.
     * Compaction may have removed any row but a user's last, at any time, so what is read must be those rows in
     * their order, each at most once, with some perhaps left out, ending with the last.
     */
    private static List<String> rowsNotAsExpected(Map<String, List<UserRow>> want, Map<String, List<UserRow>> got) {
        Map<String, String> problems = new TreeMap<>();
        want.forEach((user, rows) -> {
            List<UserRow> written = got.getOrDefault(user, List.of());
            int next = 0;
            for (UserRow row : written) {
                while (next < rows.size() && !rows.get(next).equals(row)) {
                    next++;
                }
                if (next == rows.size()) {
                    problems.put(user, "wrote " + row + ", which is not among the expected rows " + rows
                            + " after those written before it");
                    return;
                }
                next++;
            }
            if (written.isEmpty() || !written.get(written.size() - 1).equals(rows.get(rows.size() - 1))) {
                problems.put(user, "the last row written is " + (written.isEmpty() ? "none" : written.get(written.size()
                        - 1)) + ", expected " + rows.get(rows.size() - 1));
            }
        });
        got.keySet().stream().filter(user -> !want.containsKey(user))
                .forEach(user -> problems.put(user, "unexpected rows " + got.get(user)));
        return firstFew(problems.entrySet().stream().map(entry -> entry.getKey() + ": " + entry.getValue()).toList());
    }

    /** Missing, unexpected and different entries, the first few of each kind with a count of the rest. */
    private static <K, V> List<String> differences(Map<K, V> want, Map<K, V> got) {
        List<String> missing = new ArrayList<>();
        List<String> different = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        want.forEach((key, value) -> {
            if (!got.containsKey(key)) {
                missing.add("missing " + key + " = " + value);
            } else if (!Objects.equals(value, got.get(key))) {
                different.add(key + ": expected " + value + " but was " + got.get(key));
            }
        });
        got.forEach((key, value) -> {
            if (!want.containsKey(key)) {
                unexpected.add("unexpected " + key + " = " + value);
            }
        });
        List<String> report = new ArrayList<>();
        for (List<String> kind : List.of(missing, different, unexpected)) {
            report.addAll(firstFew(kind));
        }
        return report;
    }

    /** The first 15 lines of a report, and how many more there are. */
    private static List<String> firstFew(List<String> lines) {
        List<String> few = new ArrayList<>(lines.subList(0, Math.min(15, lines.size())));
        if (lines.size() > 15) {
            few.add("... and " + (lines.size() - 15) + " more like that");
        }
        return few;
    }

    private interface Check {
        boolean done() throws Exception;
    }

    private interface Message {
        String text() throws Exception;
    }

    private static void awaitUntil(Duration timeout, Check check, Message failure) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.done()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure.text());
            }
            Thread.sleep(500);
        }
    }

    private static double seconds(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1e9;
    }
}
