package dev.segmentation.window;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.segmentation.window.serde.HttpSchemaRegistry;
import dev.segmentation.window.serde.SchemaRegistry;

/**
 * The segmentation stage: user events in, final per-segment metrics per hopping window out.
 *
 * <p>Event time is the record timestamp. Windows are those of {@code TimeWindows.ofSizeAndGrace(size, grace)
 * .advanceBy(advance)}, and each window and segment yields exactly one row per metric, once every input partition
 * has passed the window's end plus the grace period. The metrics are
 * registrations, active users, sessions, the purchase funnel and revenue, each in its own topic
 * ({@link AggregateSchemas}), per segment and in total; events that miss their window are counted in a late-events
 * topic, and each user's lifecycle and value segment is kept in a compacted topic ({@link UserSegmentSchemas}).
 * Undecodable and invalid records go to a dead-letter topic. {@link SegmentationTopology} shows how it fits
 * together.
 *
 * <p>Run it with {@code java -cp ... dev.segmentation.window.SegmentationApp streams.properties}; the file holds
 * Kafka Streams settings and the {@link SegmentationConfig} keys.
 */
public final class SegmentationApp {

    private static final Logger log = LoggerFactory.getLogger(SegmentationApp.class);
    /** Records a poll returns and a partition buffers; see {@link #streamsConfig}. */
    static final int FAIR_BUFFER_RECORDS = 100;
    /** The first retry's backoff, for Kafka Streams and its clients; see {@link #streamsConfig}. */
    static final long START_UP_RETRY_BACKOFF_MS = 10L;
    /** How long the restore consumer's fetch waits for data that is not there; see {@link #streamsConfig}. */
    static final int RESTORE_FETCH_MAX_WAIT_MS = 100;

    private SegmentationApp() {
    }

    /**
     * Builds the topology; tests build this very topology with their own registry and clock.
     *
     * @param inputPartitions the input topics' partition count (see {@link TopicBootstrap#inputPartitions})
     */
    public static Topology buildTopology(SegmentationConfig config, SchemaRegistry registry, Clock clock,
                                         int inputPartitions) {
        return SegmentationTopology.build(config, registry, clock, inputPartitions);
    }

    /** Kafka Streams settings: the file's own, over defaults that make the stage exactly-once. */
    public static Properties streamsConfig(Properties fileProperties) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "segmentation");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        // Exactly-once commits every 100 ms by default. Each commit ends a transaction and flushes every store's
        // cache, and rows only appear when 15-minute windows close, so a second is the better trade: fewer
        // transactions, and more updates of the same user or window merged before they reach RocksDB.
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1_000L);
        // Most records the application produces go to its own repartition topic; larger batches, fewer requests.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 128 * 1024);
        // The per-user tasks (one per input partition) feed the same windows, which hold a task's contributions
        // back until every task has got as far (OriginAlignment). A stream thread drains every buffered record
        // before it polls again, so when it catches up (a backfill, a restart) a task whose data came first runs
        // ahead by as much as was buffered, a megabyte fetch being hours of a quiet topic, and all of that would
        // wait in a store. Small polls, buffers and fetches keep the tasks within minutes of each other.
        props.put(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, FAIR_BUFFER_RECORDS);
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), FAIR_BUFFER_RECORDS);
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), 128 * 1024);
        // When the application creates its internal topics (a fresh application id), Kafka Streams checks them one
        // by one and sleeps this backoff after each while others remain: 100 ms by default, 0.8 s of start-up for
        // its nine changelogs. Clients start their own retries from it too, growing exponentially to
        // retry.backoff.max.ms (1 s), so a broker outage is still not met with a storm of requests.
        props.put(StreamsConfig.RETRY_BACKOFF_MS_CONFIG, START_UP_RETRY_BACKOFF_MS);
        // A task runs only once the state updater has read its changelogs to their end, and the restore consumer's
        // fetch from a changelog with nothing more in it waits fetch.max.wait.ms (500 ms by default) for data that
        // never comes: half a second of every start here, twice over. A fifth of it still keeps the idle fetches of
        // standby replicas, which use the same consumer, to ten a second.
        props.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG),
                RESTORE_FETCH_MAX_WAIT_MS);
        props.putAll(fileProperties);
        SegmentationConfig.CONFIG_DEF.names().forEach(props::remove);
        return props;
    }

    /** Every topic the application reads or writes, apart from its internal ones. */
    static List<String> topics(SegmentationConfig config) {
        List<String> topics = new ArrayList<>(config.inputTopics().values());
        topics.addAll(config.windowedOutputTopics());
        topics.addAll(List.of(config.lateEventsOutputTopic(), config.userSegmentsOutputTopic(), config.deadLetterTopic()));
        return topics;
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
        SchemaRegistry registry = new HttpSchemaRegistry(config.registrySettings());
        StartUpWarmUp.start(config, registry);
        int inputPartitions;
        try (Admin admin = TopicBootstrap.admin(streamsProps)) {
            TopicBootstrap.ensureTopics(admin, config.topicPartitions(), topics(config),
                    List.of(config.userSegmentsOutputTopic()));
            inputPartitions = TopicBootstrap.inputPartitions(admin, config.inputTopics().values());
        }
        run(buildTopology(config, registry, Clock.systemUTC(), inputPartitions), streamsProps);
    }

    /**
     * Runs a topology until the JVM is asked to stop or Kafka Streams stops on its own, logging every state
     * change (operators and the benchmark watch for {@code -> RUNNING}).
     */
    public static void run(Topology topology, Properties streamsProps) throws InterruptedException {
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
