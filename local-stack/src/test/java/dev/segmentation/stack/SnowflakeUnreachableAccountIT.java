package dev.segmentation.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.rest.errors.ConnectRestException;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The committed Snowflake config, deployed as in production (key pair from a secrets file through the worker's
 * file config provider) against an account that cannot be reached: the worker must answer within a bounded time
 * with an error that names the cause and the keys to check, and keep serving.
 *
 * <p>Snowflake's cloud is the one part that cannot run here. With a resolvable private key the connector logs in
 * at validation, so an account unreachable then is refused before anything runs. An account that answers the
 * validation and is gone when the connector starts ({@link FakeSnowflakeAccount}) leaves a FAILED connector whose
 * trace names the cause.
 */
class SnowflakeUnreachableAccountIT {

    private static EmbeddedConnectCluster connect;
    private static Path secrets;

    @BeforeAll
    static void startWorker() throws IOException, NoSuchAlgorithmException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String key = Base64.getEncoder().encodeToString(generator.generateKeyPair().getPrivate().getEncoded());
        secrets = Files.createTempFile("snowflake", ".properties");
        Files.writeString(secrets, "private.key=" + key + "\nprivate.key.passphrase=\n");

        Map<String, String> worker = new HashMap<>();
        worker.put("plugin.path", System.getProperty("stack.plugins"));
        worker.put("plugin.discovery", "hybrid_warn");
        worker.put("config.providers", "file");
        worker.put("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
        connect = new EmbeddedConnectCluster.Builder().name("snowflake-it").numWorkers(1).numBrokers(1)
                .workerProps(worker).build();
        connect.start();
    }

    @AfterAll
    static void stopWorker() throws IOException {
        connect.stop();
        Files.deleteIfExists(secrets);
    }

    @Test
    void anUnreachableAccountIsRefusedQuicklyNamingTheCauseAndTheWorkerKeepsServing() throws IOException {
        Map<String, String> config = committedConfig("snowflake-unreachable");

        long began = System.nanoTime();
        Throwable refused = catchThrowable(() -> connect.configureConnector("snowflake-unreachable", config));
        Duration took = Duration.ofNanos(System.nanoTime() - began);

        assertThat(refused).isInstanceOf(ConnectRestException.class)
                .hasMessageContaining("snowflake.url.name")
                .hasMessageContaining("Cannot connect to Snowflake");
        assertThat(took).as("answered without hanging").isLessThan(Duration.ofMinutes(3));
        assertThat(connect.connectors()).doesNotContain("snowflake-unreachable");
        // The worker is unharmed: it still validates and runs other connectors.
        assertThat(connect.validateConnectorConfig("JdbcSinkConnector", Map.of(
                "connector.class", "io.debezium.connector.jdbc.JdbcSinkConnector", "topics", "t")).name())
                .isNotNull();
    }

    @Test
    void anAccountGoneBetweenValidationAndStartLeavesAFailedConnectorWhoseTraceNamesTheCause() throws Exception {
        try (FakeSnowflakeAccount account = new FakeSnowflakeAccount()) {
            Map<String, String> config = committedConfig("snowflake-gone");
            config.put("snowflake.url.name", account.url());

            connect.configureConnector("snowflake-gone", config);
            long began = System.nanoTime();
            ConnectorStateInfo.ConnectorState state = awaitConnectorState("snowflake-gone", Duration.ofMinutes(3));
            Duration took = Duration.ofNanos(System.nanoTime() - began);

            assertThat(account.logins()).as("the validation's login, then the start's").isEqualTo(2);
            assertThat(state.state()).isEqualTo("FAILED");
            assertThat(state.trace()).as("the failed connector's trace")
                    .contains("SnowflakeSinkConnector.start").contains("Failed to connect to Snowflake")
                    .contains("Connect to 127.0.0.1").contains("Connection refused");
            assertThat(took).as("failed without hanging").isLessThan(Duration.ofMinutes(2));
            // The worker is unharmed: it still reports and deletes the connector.
            connect.deleteConnector("snowflake-gone");
            assertThat(connect.connectors()).doesNotContain("snowflake-gone");
        }
    }

    /** The committed streaming config as deployed, its key read from the secrets file through the provider. */
    private static Map<String, String> committedConfig(String name) throws IOException {
        Path file = Path.of(System.getProperty("user.dir")).getParent()
                .resolve("connector-configs/snowflake-sink-raw-streaming.json");
        Map<String, String> config = ConnectorConfigsIT.withTestValues(ConnectorConfigsIT.read(file), file);
        config.replaceAll((key, value) -> value.replace("/etc/kafka-connect/secrets/snowflake.properties",
                secrets.toString()));
        config.put("name", name);
        return config;
    }

    /** The connector's state once it has left UNASSIGNED and RUNNING-while-starting behind, or the last seen. */
    private static ConnectorStateInfo.ConnectorState awaitConnectorState(String name, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ConnectorStateInfo.ConnectorState state = null;
        while (System.nanoTime() < deadline) {
            try {
                state = connect.connectorStatus(name).connector();
                if (state.state().equals("FAILED")) {
                    return state;
                }
            } catch (ConnectRestException notYetKnown) {
                // The status appears once the herder has picked the new config up.
            }
            Thread.sleep(500);
        }
        return state;
    }
}
