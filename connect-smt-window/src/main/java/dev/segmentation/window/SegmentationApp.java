package dev.segmentation.window;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.segmentation.window.serde.ConfluentAvroSerde;
import dev.segmentation.window.serde.HttpSchemaRegistry;
import dev.segmentation.window.serde.SchemaRegistry;

/**
 * The segmentation stage: user events in, final per-segment metrics per hopping window out.
 *
 * <p>Event time is the record timestamp. Windows are {@code TimeWindows.ofSizeAndGrace(size, grace)
 * .advanceBy(advance)} with {@code emitStrategy(onWindowClose())}, so each window and segment yields exactly one
 * row, once stream time has passed the window's end plus the grace period.
 *
 * <p>Run it with {@code java -cp ... dev.segmentation.window.SegmentationApp streams.properties}; the file holds
 * Kafka Streams settings and the {@link SegmentationConfig} keys.
 */
public final class SegmentationApp {

    private static final Logger log = LoggerFactory.getLogger(SegmentationApp.class);
    static final String REGISTRATIONS_METRIC = "registrations";

    private SegmentationApp() {
    }

    /** Builds the topology; tests build this very topology with their own registry and clock. */
    public static Topology buildTopology(SegmentationConfig config, SchemaRegistry registry, Clock clock) {
        Serde<GenericRecord> valueSerde = new ConfluentAvroSerde(registry, false);
        Serde<GenericRecord> keySerde = new ConfluentAvroSerde(registry, true);
        TimeWindows windows = TimeWindows.ofSizeAndGrace(config.windowSize(), config.windowGrace())
                .advanceBy(config.windowAdvance());

        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(config.registrationTopic(), Consumed.with(Serdes.String(), valueSerde))
                .filter((userId, registration) -> registration != null)
                .map((userId, registration) -> KeyValue.pair(Segment.ofRegistration(registration), userId))
                .groupByKey(Grouped.with("registrations-by-segment", Segment.serde(), Serdes.String()))
                .windowedBy(windows)
                .emitStrategy(EmitStrategy.onWindowClose())
                .count(Materialized.as("registrations-per-segment"))
                .toStream()
                .map((window, count) -> KeyValue.pair(
                        aggregateKey(REGISTRATIONS_METRIC, window), registrationsRow(window, count, clock)))
                .to(config.registrationsOutputTopic(), Produced.with(keySerde, valueSerde));
        return builder.build();
    }

    /** Kafka Streams settings: the file's own, over defaults that make the stage exactly-once. */
    public static Properties streamsConfig(Properties fileProperties) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "segmentation");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        props.putAll(fileProperties);
        SegmentationConfig.CONFIG_DEF.names().forEach(props::remove);
        return props;
    }

    private static GenericRecord aggregateKey(String metric, Windowed<Segment> window) {
        GenericRecord key = new GenericData.Record(AggregateSchemas.SEGMENT_WINDOW_KEY);
        key.put("metric", metric);
        putSegment(key, window.key());
        key.put("window_start", window.window().start());
        return key;
    }

    private static GenericRecord registrationsRow(Windowed<Segment> window, long count, Clock clock) {
        GenericRecord row = new GenericData.Record(AggregateSchemas.SEGMENT_REGISTRATIONS);
        row.put("window_start", window.window().start());
        row.put("window_end", window.window().end());
        putSegment(row, window.key());
        row.put("registrations", count);
        row.put("emitted_at", clock.millis());
        return row;
    }

    private static void putSegment(GenericRecord record, Segment segment) {
        record.put("age_band", segment.ageBand());
        record.put("preferred_language", segment.preferredLanguage());
        record.put("email_domain", segment.emailDomain());
    }

    /** Starts the application and runs it until the JVM is asked to stop. */
    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 1) {
            System.err.println("Usage: SegmentationApp <streams.properties>");
            System.exit(2);
        }
        Properties fileProperties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            fileProperties.load(in);
        }
        SegmentationConfig config = new SegmentationConfig(fileProperties);
        Properties streamsProps = streamsConfig(fileProperties);
        TopicBootstrap.ensureTopics(streamsProps, config.topicPartitions(),
                List.of(config.registrationTopic(), config.registrationsOutputTopic()));

        Topology topology = buildTopology(config, new HttpSchemaRegistry(config.registryUrl()), Clock.systemUTC());
        KafkaStreams streams = new KafkaStreams(topology, streamsProps);
        CountDownLatch stopped = new CountDownLatch(1);
        streams.setStateListener((newState, oldState) -> {
            log.info("Segmentation application state {} -> {}", oldState, newState);
            if (newState == KafkaStreams.State.NOT_RUNNING || newState == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // Leaving the group lets a restarted or remaining instance take over the tasks at once, instead of
            // after the session timeout.
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
            stopped.countDown();
        }, "segmentation-shutdown"));
        streams.start();
        stopped.await();
    }
}
