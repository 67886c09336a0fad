package dev.segmentation.stack.bench;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;

import dev.segmentation.events.EventType;
import dev.segmentation.window.SegmentationApp;
import dev.segmentation.window.SegmentationConfig;
import dev.segmentation.window.ingest.Intake;
import dev.segmentation.window.serde.HttpSchemaRegistry;

/**
 * The floor under the segmentation application, for the Streams benchmark: the application's first step alone
 * (read the six event topics, decode and check every event) with the application's own Kafka Streams settings,
 * exactly_once_v2 included, and nothing after it. What the application does beyond this floor is what its stages
 * cost; what the floor itself costs against {@code kafka-consumer-perf-test} no stage can win back.
 *
 * <p>Takes the application's properties file and runs as the application does ({@link SegmentationApp#run}), so the
 * benchmark runs and times both alike.
 */
public final class IntakeFloorApp {

    private IntakeFloorApp() {
    }

    public static void main(String[] args) throws Exception {
        Properties fileProperties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            fileProperties.load(in);
        }
        SegmentationConfig config = new SegmentationConfig(fileProperties);
        Map<String, EventType> typesByTopic = config.eventTypesByTopic();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(List.copyOf(typesByTopic.keySet()), Consumed.with(Serdes.Bytes(), Serdes.ByteArray()))
                .processValues(Intake.supplier(typesByTopic, new HttpSchemaRegistry(config.registrySettings())));
        SegmentationApp.run(builder.build(), SegmentationApp.streamsConfig(fileProperties));
    }
}
