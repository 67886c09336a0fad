package dev.segmentation.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Every committed simulator config is one the connector accepts, with no key it does not know. */
class ExampleConfigsTest {

    /** Keys the Connect framework, not the connector, defines. */
    private static final List<String> FRAMEWORK_PREFIXES = List.of("name", "connector.class", "tasks.max",
            "key.converter", "value.converter", "header.converter", "topic.creation.", "exactly.once.support",
            "transaction.boundary", "offsets.storage.topic", "transforms", "predicates", "errors.", "producer.override.");

    static Stream<Path> simulatorConfigs() throws IOException {
        Path folder = Path.of(System.getProperty("user.dir")).resolveSibling("connector-configs");
        List<Path> files;
        try (Stream<Path> listing = Files.list(folder)) {
            files = listing.filter(p -> p.getFileName().toString().startsWith("simulator-")).sorted().toList();
        }
        assertThat(files).as("simulator configs in %s", folder).hasSizeGreaterThanOrEqualTo(3);
        return files.stream();
    }

    @ParameterizedTest
    @MethodSource("simulatorConfigs")
    void validatesWithoutErrorsAndHoldsNoUnknownKey(Path file) throws IOException {
        Map<String, String> config = new ObjectMapper().readValue(file.toFile(), new TypeReference<Map<String, String>>() { });
        Map<String, String> resolved = new HashMap<>(config);
        // What the worker's env config provider would put in place of the placeholders.
        resolved.replaceAll((key, value) -> value.startsWith("${env:") ? "http://127.0.0.1:8081" : value);

        List<ConfigValue> values = new UserEventSourceConnector().validate(resolved).configValues();
        assertThat(values).allSatisfy(value ->
                assertThat(value.errorMessages()).as("%s in %s", value.name(), file.getFileName()).isEmpty());
        assertThat(config.keySet()).allSatisfy(key -> assertThat(
                UserEventSourceConnectorConfig.CONFIG_DEF.names().contains(key)
                        || FRAMEWORK_PREFIXES.stream().anyMatch(key::startsWith))
                .as("%s in %s is neither a simulator key nor a Connect framework key", key, file.getFileName())
                .isTrue());
    }
}
