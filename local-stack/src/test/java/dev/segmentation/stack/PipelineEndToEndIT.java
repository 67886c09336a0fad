package dev.segmentation.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline on the real local stack: {@code ./pipeline demo} starts Kafka, PostgreSQL, the registry,
 * a Connect worker and the Streams app on free ports, deploys the simulator and the JDBC sink, and waits for
 * rows. This test then checks every row in PostgreSQL against a count computed here, independently, from the
 * events the simulator wrote to Kafka.
 */
class PipelineEndToEndIT {

    private static final long HOUR = 3_600_000L;
    private static final long ADVANCE = 15 * 60_000L;

    private static LocalStack stack;
    private static boolean passed;

    @BeforeAll
    static void runDemo() throws Exception {
        stack = LocalStack.start("pipeline-e2e", Map.of(), "demo", "--timeout", "240");
        assertThat(stack.startOutput()).contains("registrations");
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (stack != null) {
            // A failed run keeps its home, logs included, for a look at what happened.
            assertThat(stack.downAndListSurvivors(passed)).as("processes of the stack in %s after ./pipeline down",
                    stack.home()).isEmpty();
        }
    }

    /**
     * Connect would create the sink's dead-letter topic with the broker's week of retention, and failed records keep
     * their event-time timestamps: a backfill's would be deleted at the next retention check.
     */
    @Test
    void theSinksDeadLetterTopicKeepsFailedRecordsWithoutATimeLimit() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "dlq.jdbc-sink-aggregates");
            Config config = admin.describeConfigs(List.of(topic)).all().get().get(topic);
            assertThat(config.get("retention.ms").value()).as("retention.ms of %s", topic.name()).isEqualTo("-1");
        }
    }

    @Test
    void everyAggregateRowInPostgresEqualsAnIndependentCountOfTheSimulatedEvents() throws Exception {
        Map<String, Long> rows = aggregateRows();
        Map<String, Long> expected = expectedCounts(registrationTimesAndSegments());

        assertThat(rows).isNotEmpty();
        rows.forEach((key, registrations) ->
                assertThat(registrations).as("registrations of %s", key).isEqualTo(expected.get(key)));
        passed = true;
    }

    /** (age band, language, domain, window start) to registrations, as the JDBC sink upserted them. */
    private static Map<String, Long> aggregateRows() throws SQLException, IOException {
        String url = "jdbc:postgresql://127.0.0.1:" + stack.port("postgres") + "/segmentation";
        String password = Files.readString(stack.home().resolve("secrets/postgres-password")).trim();
        Map<String, Long> rows = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(url, "segmentation", password);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT age_band, preferred_language, email_domain, "
                     + "CAST(EXTRACT(EPOCH FROM window_start) * 1000 AS BIGINT) AS start_ms, registrations "
                     + "FROM segment_registrations")) {
            while (result.next()) {
                rows.put(rowKey(result.getString(1), result.getString(2), result.getString(3), result.getLong(4)),
                        result.getLong(5));
            }
        }
        return rows;
    }

    /** Every registration the simulator wrote: its record timestamp and its segment attributes. */
    private static List<Object[]> registrationTimesAndSegments() {
        List<Object[]> events = new ArrayList<>();
        for (ConsumerRecord<String, GenericRecord> record
                : new TopicReader(stack.bootstrapServers(), stack.registryUrl()).events("user_registration")) {
            GenericRecord event = record.value();
            if (event == null) {
                continue; // a watermark heartbeat, which is never counted
            }
            events.add(new Object[] {record.timestamp(), ((Number) event.get("age")).intValue(),
                    event.get("preferred_language").toString(), event.get("email_domain").toString()});
        }
        return events;
    }

    private static Map<String, Long> expectedCounts(List<Object[]> events) {
        Map<String, Long> counts = new HashMap<>();
        for (Object[] event : events) {
            long time = (Long) event[0];
            String band = ageBand((Integer) event[1]).orElseThrow();
            for (long start = time - Math.floorMod(time, ADVANCE); start > time - HOUR; start -= ADVANCE) {
                counts.merge(rowKey(band, (String) event[2], (String) event[3], start), 1L, Long::sum);
                // The stage also writes the total over all segments, with every segment field 'all'.
                counts.merge(rowKey("all", "all", "all", start), 1L, Long::sum);
            }
        }
        return counts;
    }

    private static Optional<String> ageBand(int age) {
        String[] bands = {"18-24", "25-34", "35-44", "45-54", "55-64"};
        int[] upper = {24, 34, 44, 54, 64};
        for (int i = 0; i < bands.length; i++) {
            if (age <= upper[i]) {
                return Optional.of(age >= 18 ? bands[i] : "under-18");
            }
        }
        return Optional.of("65+");
    }

    private static String rowKey(String band, String language, String domain, long windowStart) {
        return band + "|" + language + "|" + domain + "|" + windowStart;
    }
}
