package dev.segmentation.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpServer;

/**
 * A Confluent-compatible schema registry for the local stack: the REST API Confluent's serializers and
 * converters use, schemas kept in a compacted Kafka topic, compatibility checked by Avro's own rules.
 *
 * <p>Run one instance per schema topic: {@code java -cp ... dev.segmentation.registry.SchemaRegistryServer
 * --config registry.properties}, with Confluent's property names {@code listeners},
 * {@code kafkastore.bootstrap.servers}, {@code kafkastore.topic} and {@code schema.compatibility.level}.
 */
public final class SchemaRegistryServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryServer.class);

    private final KafkaStoreLog storeLog;
    private final HttpServer http;
    private final ExecutorService executor;

    private SchemaRegistryServer(KafkaStoreLog storeLog, HttpServer http, ExecutorService executor) {
        this.storeLog = storeLog;
        this.http = http;
        this.executor = executor;
    }

    /** Loads the store from its topic, then starts serving; returns once requests are answered. */
    public static SchemaRegistryServer start(Properties config) throws IOException, InterruptedException {
        URI listener = URI.create(config.getProperty("listeners", "http://127.0.0.1:8081").split(",")[0].trim());
        String bootstrap = config.getProperty("kafkastore.bootstrap.servers");
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("kafkastore.bootstrap.servers is required: set it to the Kafka "
                    + "cluster that holds the schema topic, e.g. 127.0.0.1:9092");
        }
        String topic = config.getProperty("kafkastore.topic", "_schemas");
        SchemaStore store = new SchemaStore(
                CompatibilityLevel.parse(config.getProperty("schema.compatibility.level", "BACKWARD")));
        KafkaStoreLog storeLog = new KafkaStoreLog(bootstrap, topic, store::apply);
        store.attach(storeLog);
        storeLog.start(Duration.ofSeconds(60));

        HttpServer http = HttpServer.create(new InetSocketAddress(listener.getHost(), listener.getPort()), 64);
        ExecutorService executor = Executors.newFixedThreadPool(8);
        http.setExecutor(executor);
        http.createContext("/", new RegistryApi(store));
        http.start();
        log.info("Schema registry listening on {} with {} subjects, schemas in topic {}", listener,
                store.subjects().size(), topic);
        return new SchemaRegistryServer(storeLog, http, executor);
    }

    /** The port actually bound (useful when the configuration asked for port 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() throws InterruptedException {
        http.stop(0);
        executor.shutdownNow();
        storeLog.close();
        log.info("Schema registry stopped");
    }

    public static void main(String[] args) throws Exception {
        Properties config = new Properties();
        for (int i = 0; i < args.length; i++) {
            if ("--config".equals(args[i]) && i + 1 < args.length) {
                try (InputStream in = Files.newInputStream(Path.of(args[++i]))) {
                    config.load(in);
                }
            } else if (args[i].startsWith("--") && args[i].contains("=")) {
                String[] pair = args[i].substring(2).split("=", 2);
                config.setProperty(pair[0], pair[1]);
            } else {
                System.err.println("Usage: SchemaRegistryServer [--config registry.properties] [--key=value ...]");
                System.exit(2);
            }
        }
        SchemaRegistryServer server = start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "schema-registry-shutdown"));
        Thread.currentThread().join();
    }
}
