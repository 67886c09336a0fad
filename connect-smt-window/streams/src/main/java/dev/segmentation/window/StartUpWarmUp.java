package dev.segmentation.window;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.avro.Schema;
import org.rocksdb.RocksDB;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.segmentation.events.WireFormat;
import dev.segmentation.window.serde.SchemaRegistry;

/**
 * Work the stream thread would otherwise do when its first records arrive, done on a thread of its own while the
 * application creates its topics and Kafka Streams joins its group: loading RocksDB's native library (which it
 * extracts from its jar at every start), registering the schemas of every topic the application writes rows to,
 * and fetching the latest schema of every input topic. On a busy machine each registry call takes tens of milliseconds; made by the
 * stream thread, they held back the first results by most of a second.
 *
 * <p>Every step is one the stream thread takes anyway, and then finds done (the registry client caches what it is
 * answered). So a step that fails here costs nothing: the stream thread takes it again when it needs it, and a
 * failure it meets there is handled where records are. An input topic that nothing has written to yet, the usual
 * case on a fresh stack, simply has no schema to fetch.
 */
final class StartUpWarmUp implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(StartUpWarmUp.class);

    private final SchemaRegistry registry;
    private final Map<String, Schema> outputSchemas;
    private final List<String> inputSubjects;

    StartUpWarmUp(SegmentationConfig config, SchemaRegistry registry) {
        this.registry = registry;
        this.outputSchemas = outputSchemas(config);
        this.inputSubjects = config.inputTopics().values().stream().sorted()
                .map(topic -> WireFormat.subject(topic, false)).toList();
    }

    /** Starts the warm-up on a daemon thread, which never holds the application back from stopping. */
    static void start(SegmentationConfig config, SchemaRegistry registry) {
        Thread thread = new Thread(new StartUpWarmUp(config, registry), "segmentation-start-up-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The schema each output topic's serdes register, by subject: the keys and values of metric rows (one topic per
     * metric, late events included) and of user segment rows. Dead letters keep their input bytes.
     */
    static Map<String, Schema> outputSchemas(SegmentationConfig config) {
        Map<String, Schema> schemas = new TreeMap<>();
        SegmentationTopology.metricTopicsBySchema(config).forEach((valueSchema, topic) -> {
            schemas.put(WireFormat.subject(topic, true), AggregateSchemas.SEGMENT_WINDOW_KEY);
            schemas.put(WireFormat.subject(topic, false), valueSchema);
        });
        schemas.put(WireFormat.subject(config.userSegmentsOutputTopic(), true), UserSegmentSchemas.KEY);
        schemas.put(WireFormat.subject(config.userSegmentsOutputTopic(), false), UserSegmentSchemas.VALUE);
        return schemas;
    }

    @Override
    public void run() {
        long startNanos = System.nanoTime();
        List<String> failures = new ArrayList<>();
        attempt("RocksDB's native library", RocksDB::loadLibrary, failures);
        outputSchemas.forEach((subject, schema) ->
                attempt("the schema of " + subject, () -> registry.register(subject, schema), failures));
        inputSubjects.forEach(subject ->
                attempt("the schema of " + subject, () -> registry.schemaById(registry.latestId(subject)), failures));
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        if (failures.isEmpty()) {
            log.info("Start-up warm-up done in {} ms: RocksDB loaded, {} output and {} input schemas ready", millis,
                    outputSchemas.size(), inputSubjects.size());
        } else {
            log.info("Start-up warm-up done in {} ms; the stream thread will take these steps itself when it needs "
                    + "them: {}", millis, failures);
        }
    }

    private static void attempt(String what, Runnable step, List<String> failures) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failures.add(what + " (" + e.getMessage() + ")");
        }
    }
}
