package dev.segmentation.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.StringConverter;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The connector inside Kafka's own embedded Connect cluster: real worker, real broker, real offsets. */
class UserEventSourceConnectorIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedConnectCluster connect;

    @BeforeAll
    static void startCluster() {
        // Exactly-once source delivery needs transactions, whose log must fit on the single embedded broker.
        Properties broker = new Properties();
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        connect = new EmbeddedConnectCluster.Builder()
                .name("simulator-it")
                .numWorkers(1)
                .numBrokers(1)
                .brokerProps(broker)
                .workerProps(new HashMap<>(Map.of("exactly.once.source.support", "enabled", "offset.flush.interval.ms", "500")))
                .build();
        connect.start();
    }

    @AfterAll
    static void stopCluster() {
        connect.stop();
    }

    private static Map<String, String> connectorConfig(String topic, int tasks, int eventsPerTask) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", UserEventSourceConnector.class.getName());
        config.put("tasks.max", Integer.toString(tasks));
        config.put("topic.registration", topic);
        config.put("clock", "backfill");
        config.put("clock.start", "2026-01-01T00:00:00Z");
        config.put("clock.end", "2026-01-08T00:00:00Z");
        config.put("max.events", Integer.toString(eventsPerTask));
        config.put("batch.size", "100");
        config.put("key.converter", StringConverter.class.getName());
        config.put("value.converter", JsonConverter.class.getName());
        config.put("value.converter.schemas.enable", "false");
        config.put("exactly.once.support", "required");
        return config;
    }

    @Test
    void boundedBackfillWritesExactlyItsEventsAndTasksStayRunning() throws Exception {
        String topic = "registrations-bounded";
        connect.kafka().createTopic(topic, 3);
        connect.configureConnector("bounded", connectorConfig(topic, 2, 300));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("bounded", 2, "simulator did not start");

        connect.kafka().consume(600, 60_000, topic);
        ConsumerRecords<byte[], byte[]> records = connect.kafka().consumeAll(30_000, topic);

        assertThat(records.count()).isEqualTo(600);
        Set<String> eventIds = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            JsonNode event = JSON.readTree(record.value());
            eventIds.add(event.get("event_id").asText());
            assertThat(new String(record.key())).isEqualTo(event.get("user_id").asText());
            assertThat(record.timestamp()).isEqualTo(event.get("event_time").asLong());
        }
        assertThat(eventIds).hasSize(600);
        // A bounded run ends by idling, not by failing its tasks.
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("bounded", 2, "finished tasks must stay RUNNING");
        connect.deleteConnector("bounded");
    }
}
