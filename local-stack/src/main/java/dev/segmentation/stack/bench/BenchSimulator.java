package dev.segmentation.stack.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** Runs the simulator connector on the local stack for a benchmark, as a bounded backfill. */
final class BenchSimulator {

    static final String[] EVENT_TOPICS = {"user_registration", "sign_in", "sign_out", "item_view", "add_to_cart",
        "check_out"};
    static final int PARTITIONS = 3;

    private BenchSimulator() {
    }

    /**
     * Backfills {@code events} events with one task into the six topics named {@code <run>.<event type>}, which
     * must exist, and returns the rate, timed from the first committed offset to the last.
     */
    static double backfill(BenchStack stack, String run, long events) throws Exception {
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

}
