package dev.segmentation.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Every committed connector config, and a corpus of wrong ones, put to a real Connect worker whose plugin.path
 * holds what the local stack's holds: this bundle, the official Snowflake sink and Debezium's JDBC sink.
 */
class ConnectorConfigsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(env|file):([^}]*)}");

    private static EmbeddedConnectCluster connect;

    /**
     * A worker without config providers: {@code ${file:...}} placeholders reach the connectors' validate as they
     * are. That is what lets the Snowflake connector validate offline; given a resolvable private key it logs in to
     * Snowflake, which only {@link SnowflakeUnreachableAccountIT} attempts.
     */
    @BeforeAll
    static void startWorker() {
        Map<String, String> worker = new HashMap<>();
        worker.put("exactly.once.source.support", "enabled");
        worker.put("plugin.path", System.getProperty("stack.plugins"));
        // The Snowflake jar ships the AvroConverter without a ServiceLoader manifest, so it is found by scanning.
        worker.put("plugin.discovery", "hybrid_warn");
        // Exactly-once source support, which the simulator configs require, needs a transaction log that fits.
        Properties broker = new Properties();
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        connect = new EmbeddedConnectCluster.Builder().name("configs-it").numWorkers(1).numBrokers(1)
                .brokerProps(broker).workerProps(worker).build();
        connect.start();
    }

    @AfterAll
    static void stopWorker() {
        connect.stop();
    }

    static Stream<Path> connectorConfigs() throws IOException {
        try (Stream<Path> files = Files.list(REPO.resolve("connector-configs"))) {
            List<Path> json = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
            assertThat(json).hasSizeGreaterThanOrEqualTo(8);
            return json.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("connectorConfigs")
    void everyCommittedConfigValidatesWithoutErrors(Path file) throws IOException {
        Map<String, String> config = withTestValues(read(file), file);
        ConfigInfos result = connect.validateConnectorConfig(simpleName(config.get("connector.class")), config);
        assertThat(errors(result)).as(file.getFileName().toString()).isEmpty();
    }

    static Stream<Path> wrongConfigs() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("user.dir"), "src/test/resources/wrong-configs"))) {
            List<Path> cases = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
            assertThat(cases).hasSizeGreaterThanOrEqualTo(20);
            return cases.stream();
        }
    }

    /** Each case names the plugin, the config, the key that must carry the error, and words of the message. */
    @ParameterizedTest
    @MethodSource("wrongConfigs")
    void wrongConfigsAreRefusedOnTheKeyToChange(Path file) throws IOException {
        JsonNode wrong = JSON.readTree(file.toFile());
        Map<String, String> config = JSON.convertValue(wrong.get("config"), new TypeReference<Map<String, String>>() { });
        String key = wrong.get("key").asText();
        ConfigInfos result = connect.validateConnectorConfig(simpleName(config.get("connector.class")),
                withTestValues(config, file));

        Map<String, List<String>> errors = errors(result);
        assertThat(errors).as("%s: errors by key", file.getFileName()).containsKey(key);
        assertThat(String.join(" ", errors.get(key))).as("%s: message on %s", file.getFileName(), key)
                .containsIgnoringCase(wrong.get("message").asText());
    }

    static Map<String, String> read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), new TypeReference<Map<String, String>>() { });
    }

    /**
     * The config as the worker would validate it: named like the file, as {@code PUT /connectors/{name}/config}
     * names it, with test values in place of {@code ${env:...}} placeholders.
     */
    static Map<String, String> withTestValues(Map<String, String> config, Path file) {
        Map<String, String> resolved = new HashMap<>();
        resolved.put("name", file.getFileName().toString().replace(".json", ""));
        config.forEach((key, value) -> {
            Matcher placeholder = PLACEHOLDER.matcher(value);
            boolean env = placeholder.matches() && placeholder.group(1).equals("env");
            resolved.put(key, env ? envTestValue(placeholder.group(2)) : value);
        });
        return resolved;
    }

    private static String envTestValue(String name) {
        return switch (name) {
            case "SCHEMA_REGISTRY_URL" -> "http://127.0.0.1:18081";
            case "POSTGRES_JDBC_URL" -> "jdbc:postgresql://127.0.0.1:15432/segmentation";
            case "POSTGRES_USER" -> "segmentation";
            case "POSTGRES_PASSWORD" -> "not-a-real-password";
            case "SNOWFLAKE_URL" -> "unreachable-account.snowflakecomputing.invalid:443";
            case "SNOWFLAKE_USER" -> "KAFKA_CONNECT";
            case "SNOWFLAKE_ROLE" -> "KAFKA_CONNECT_ROLE";
            default -> throw new IllegalArgumentException("no test value for placeholder " + name);
        };
    }

    private static Map<String, List<String>> errors(ConfigInfos infos) {
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigInfo info : infos.configs()) {
            List<String> messages = info.configValue().errors();
            if (messages != null && !messages.isEmpty()) {
                errors.computeIfAbsent(info.configValue().name(), k -> new ArrayList<>()).addAll(messages);
            }
        }
        return errors;
    }

    static String simpleName(String connectorClass) {
        return connectorClass.substring(connectorClass.lastIndexOf('.') + 1);
    }
}
