package dev.segmentation.stack.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.segmentation.avro.DirectAvroConverter;
import dev.segmentation.events.EventType;
import dev.segmentation.simulator.UserEventSourceConnectorConfig;

/** Runs the simulator connector on the local stack for a benchmark, as a bounded backfill. */
final class BenchSimulator {

    static final String[] EVENT_TOPICS = Arrays.stream(EventType.values()).map(EventType::defaultTopic)
            .toArray(String[]::new);
    static final int PARTITIONS = 3;
    /** How long each of the simulator's transactions stays open: commits come by interval, not per poll. */
    static final long TRANSACTION_INTERVAL_MS = 2_000;

    private BenchSimulator() {
    }

    /** The six event topics of one benchmark run: {@code <run>.<event type>}. */
    static List<String> topics(String run) {
        return Arrays.stream(EventType.values()).map(type -> topic(run, type)).toList();
    }

    private static String topic(String run, EventType type) {
        return run + "." + type.defaultTopic();
    }

    /**
     * Backfills {@code events} events with one task into the six topics named {@code <run>.<event type>}, which
     * must exist, and returns the rate, timed from the first committed offset to the last.
     */
    static double backfill(BenchStack stack, String run, long events) throws Exception {
        return backfill(stack, run, events, 1, 0, Map.of()).overall();
    }

    /**
     * Events per second over a whole run, and over the part of it after the warm-up: NaN when the run was too short
     * for the span to be timed (it ended before a second reading of the topics' ends).
     */
    record Rates(double overall, double steady) {
    }

    /**
     * As {@link #backfill(BenchStack, String, long)}, with {@code tasks} tasks that each send their share of the
     * events (a whole number of them), the given settings for the tasks' producers on top of the worker's own (as
     * {@code producer.override.*}, which the stack's worker allows), and also timing the run from the moment
     * {@code warmup} events have landed, as the perf tool's {@code --warmup-records} does.
     */
    static Rates backfill(BenchStack stack, String run, long events, int tasks, long warmup,
                          Map<String, String> producerSettings) throws Exception {
        String name = run + "-simulator";
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "dev.segmentation.simulator.UserEventSourceConnector");
        // Each task sends max.events of its own slice of the users.
        config.put("tasks.max", Integer.toString(tasks));
        for (EventType type : EventType.values()) {
            config.put(UserEventSourceConnectorConfig.topicConfig(type), topic(run, type));
        }
        config.put("topic.partitions", Integer.toString(PARTITIONS));
        config.put("clock", "backfill");
        config.put("clock.start", "2026-01-01T00:00:00Z");
        config.put("clock.end", "2030-01-01T00:00:00Z");
        config.put("max.events", Long.toString(events / tasks));
        config.put("batch.size", "10000");
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", DirectAvroConverter.class.getName());
        config.put("value.converter.schema.registry.url", stack.registryUrl);
        config.put("exactly.once.support", "required");
        // A backfill has no latency to keep: larger transactions spare a commit, and its wait, per poll.
        config.put("transaction.boundary", "interval");
        config.put("transaction.boundary.interval.ms", Long.toString(TRANSACTION_INTERVAL_MS));
        producerSettings.forEach((key, value) -> config.put("producer.override." + key, value));
        System.getProperties().stringPropertyNames().stream().filter(key -> key.startsWith("simulator."))
                .forEach(key -> config.put(key.substring("simulator.".length()), System.getProperty(key)));
        Leftovers.Leftover connector = stack.leftovers.add("the simulator connector " + name,
                Removal.connector(name));
        stack.connect("PUT", "/connectors/" + name + "/config", config);
        List<String> topics = topics(run);
        try {
            // The connector's offsets endpoint reads committed data, which lags behind open transactions, so
            // progress is read from the topics' end offsets; transaction markers add well under 1% to them.
            long firstNanos = 0;
            long firstCount = 0;
            long warmNanos = 0;
            long warmCount = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (System.nanoTime() < deadline) {
                long written = stack.endOffsets(topics, PARTITIONS).values().stream().mapToLong(Long::longValue).sum();
                long now = System.nanoTime();
                if (firstNanos == 0 && written > 0) {
                    firstNanos = now;
                    firstCount = written;
                }
                if (warmNanos == 0 && written > 0 && written >= warmup) {
                    warmNanos = now;
                    warmCount = written;
                }
                if (written >= events) {
                    Rates rates = new Rates(rate(written - firstCount, now - firstNanos),
                            rate(written - warmCount, now - warmNanos));
                    awaitAllSent(stack, name, events, tasks);
                    return rates;
                }
                Thread.sleep(pollIntervalMs(events - written, written - firstCount, now - firstNanos));
            }
            throw new IllegalStateException("the simulator did not send " + events + " events within 10 minutes");
        } finally {
            connector.remove();
        }
    }

    private static double rate(long events, long nanos) {
        return nanos == 0 ? Double.NaN : events / (nanos / 1e9);
    }

    /**
     * How long to wait before reading the end offsets again. Each read costs the broker and this JVM CPU that the
     * simulator, unlike the perf tool, would have to share, so reads are sparse while the end is far and dense
     * only near it, where they decide when the run ended.
     */
    static long pollIntervalMs(long remaining, long sentSinceFirst, long nanosSinceFirst) {
        if (sentSinceFirst <= 0 || nanosSinceFirst <= 0) {
            return 20;
        }
        double remainingMs = remaining / (sentSinceFirst / (nanosSinceFirst / 1e6));
        return Math.max(5, Math.min(250, (long) (remainingMs / 4)));
    }

    /** Checks, from the connector's own offsets (one per task), that it sent exactly the events asked for. */
    private static void awaitAllSent(BenchStack stack, String name, long events, int tasks) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            List<JsonNode> offsets = new ArrayList<>();
            stack.connect("GET", "/connectors/" + name + "/offsets", null).path("offsets")
                    .forEach(entry -> offsets.add(entry.path("offset")));
            boolean allFinished = offsets.stream().allMatch(offset -> offset.path("watermark.sent").asBoolean());
            if (offsets.size() == tasks && allFinished) {
                long sent = offsets.stream().mapToLong(offset -> offset.path("events.sent").asLong()).sum();
                if (sent != events) {
                    throw new IllegalStateException("the simulator sent " + sent + " events");
                }
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the simulator did not finish its " + events + " events");
    }
}
