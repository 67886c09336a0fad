package dev.segmentation.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.test.TestUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
    private static String privateKey;

    @BeforeAll
    static void startWorker() throws NoSuchAlgorithmException {
        Map<String, String> worker = new HashMap<>();
        worker.put("plugin.path", System.getProperty("stack.plugins"));
        // The Snowflake jar ships the AvroConverter without a ServiceLoader manifest, so it is found by scanning.
        worker.put("plugin.discovery", "hybrid_warn");
        connect = new EmbeddedConnectCluster.Builder().name("configs-it").numWorkers(1).numBrokers(1)
                .workerProps(worker).build();
        connect.start();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        privateKey = Base64.getEncoder().encodeToString(generator.generateKeyPair().getPrivate().getEncoded());
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
        Map<String, String> config = withTestValues(read(file));
        ConfigInfos result = connect.validateConnectorConfig(simpleName(config.get("connector.class")), config);
        assertThat(errors(result)).as(file.getFileName().toString()).isEmpty();
    }

    @Test
    void snowflakeWithAnUnreachableAccountFailsClearlyAndTheWorkerKeepsRunning() throws Exception {
        Map<String, String> config = withTestValues(read(REPO.resolve("connector-configs/snowflake-sink-raw-streaming.json")));
        config.put("tasks.max", "1");
        connect.configureConnector("snowflake-unreachable", config);

        TestUtils.waitForCondition(() -> failureTrace("snowflake-unreachable") != null, 120_000,
                "the Snowflake connector neither failed nor reported why");
        String trace = failureTrace("snowflake-unreachable");
        assertThat(trace).containsIgnoringCase("snowflake");
        assertThat(trace).containsAnyOf("unreachable-account", "UnknownHost", "connect", "Connection");
        // The worker itself is unharmed: it still answers and runs other connectors.
        assertThat(connect.connectors()).contains("snowflake-unreachable");
        connect.deleteConnector("snowflake-unreachable");
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
        ConfigInfos result = connect.validateConnectorConfig(simpleName(config.get("connector.class")), withTestValues(config));

        Map<String, List<String>> errors = errors(result);
        assertThat(errors).as("%s: errors by key", file.getFileName()).containsKey(key);
        assertThat(String.join(" ", errors.get(key))).as("%s: message on %s", file.getFileName(), key)
                .containsIgnoringCase(wrong.get("message").asText());
    }

    private static Map<String, String> read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), new TypeReference<Map<String, String>>() { });
    }

    /** What the worker's config providers would supply in place of each placeholder. */
    private static Map<String, String> withTestValues(Map<String, String> config) {
        Map<String, String> resolved = new HashMap<>();
        config.forEach((key, value) -> {
            Matcher placeholder = PLACEHOLDER.matcher(value);
            resolved.put(key, placeholder.matches() ? testValue(placeholder.group(2)) : value);
        });
        return resolved;
    }

    private static String testValue(String name) {
        if (name.endsWith(":private.key")) {
            return privateKey;
        }
        if (name.endsWith(":private.key.passphrase")) {
            return "";
        }
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

    private static String failureTrace(String name) {
        try {
            ConnectorStateInfo status = connect.connectorStatus(name);
            if ("FAILED".equals(status.connector().state())) {
                return status.connector().trace();
            }
            return status.tasks().stream().filter(task -> "FAILED".equals(task.state()))
                    .map(ConnectorStateInfo.AbstractState::trace).findFirst().orElse(null);
        } catch (RuntimeException notYetKnown) {
            return null;
        }
    }

    private static String simpleName(String connectorClass) {
        return connectorClass.substring(connectorClass.lastIndexOf('.') + 1);
    }
}
