package dev.segmentation.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.segmentation.avro.DirectAvroConverter;
import dev.segmentation.avro.DirectAvroConverterConfig;
import dev.segmentation.simulator.UserEventSourceConnectorConfig;
import dev.segmentation.window.SegmentationConfig;
import dev.segmentation.window.transforms.CopyFields;
import dev.segmentation.window.transforms.TimestampFields;
import dev.segmentation.window.transforms.TopicToTable;

/**
 * The configuration reference, {@code docs/configuration.md}, must be exactly what the ConfigDefs generate.
 * Regenerate it with {@code ./pipeline docs} after changing a key.
 */
class ConfigReferenceTest {

    private static final String START = "<!-- generated configuration reference: start -->";
    private static final String END = "<!-- generated configuration reference: end -->";

    static String generated() {
        return String.join("\n",
                ConfigReference.section("Simulator source connector",
                        "`connector.class=dev.segmentation.simulator.UserEventSourceConnector`. Connect's own keys "
                                + "(`tasks.max`, converters, `topic.creation.*`, `exactly.once.support`) apply as usual.",
                        UserEventSourceConnectorConfig.CONFIG_DEF),
                ConfigReference.section("Converter `" + DirectAvroConverter.class.getName() + "`",
                        "`value.converter.*` (or `key.converter.*`) keys of a connector that writes with it; the names "
                                + "are those of Confluent's `AvroConverter`.",
                        DirectAvroConverterConfig.CONFIG_DEF),
                ConfigReference.section("Segmentation Streams application",
                        "Keys of `connector-configs/segmentation-streams.properties`, beside Kafka Streams' own "
                                + "(`application.id`, `bootstrap.servers`, `processing.guarantee`, ...).",
                        SegmentationConfig.CONFIG_DEF),
                transform(TimestampFields.class, TimestampFields.OVERVIEW_DOC, TimestampFields.CONFIG_DEF),
                transform(CopyFields.class, CopyFields.OVERVIEW_DOC, CopyFields.CONFIG_DEF),
                ConfigReference.section("Transform `" + TopicToTable.class.getName() + "`",
                        TopicToTable.OVERVIEW_DOC, TopicToTable.CONFIG_DEF));
    }

    private static String transform(Class<?> type, String overview, org.apache.kafka.common.config.ConfigDef def) {
        return ConfigReference.section("Transform `" + type.getName() + "$Key` / `$Value`", overview, def);
    }

    /** Where the reference lives, relative to the repository's root. */
    static final String REFERENCE = "docs/configuration.md";

    @Test
    void docsHoldTheGeneratedReference() throws IOException {
        Path reference = Path.of(System.getProperty("user.dir")).getParent().resolve(REFERENCE);
        String text = Files.readString(reference, StandardCharsets.UTF_8);
        int start = text.indexOf(START);
        int end = text.indexOf(END);
        assertThat(start).as("%s marker %s", REFERENCE, START).isNotNegative();
        assertThat(end).as("%s marker %s", REFERENCE, END).isGreaterThan(start);
        String expected = START + "\n" + generated() + END;
        if (Boolean.getBoolean("config.reference.update")) {
            Files.writeString(reference, text.substring(0, start) + expected + text.substring(end + END.length()),
                    StandardCharsets.UTF_8);
            return;
        }
        assertThat(text.substring(start, end + END.length()))
                .as("%s is stale: run ./pipeline docs", REFERENCE)
                .isEqualTo(expected);
    }
}
