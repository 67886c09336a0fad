package dev.segmentation.registry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's durable log: a single-partition compacted topic, read from the beginning into memory by a
 * background thread, and appended to by writes.
 *
 * <p>A write returns only once the reader has applied it, so what the registry answers never runs ahead of
 * the topic, and a restarted registry rebuilds exactly the same state from it.
 */
final class KafkaStoreLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaStoreLog.class);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final TopicPartition partition;
    private final Map<String, Object> clientConfig;
    private final BiConsumer<String, String> applier;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final Thread reader;
    private final Object progress = new Object();
    private long appliedUpTo; // the next offset the reader will apply
    private volatile boolean closing;
    private volatile RuntimeException readerFailure;

    /**
     * @param applier called with each record's key and value (null for a tombstone), on the reader thread, in
     *                order
     */
    KafkaStoreLog(String bootstrapServers, String topic, BiConsumer<String, String> applier) {
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        this.applier = applier;
        this.clientConfig = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new StringSerializer());
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer());
        this.reader = new Thread(this::readForever, "schema-store-reader");
        reader.setDaemon(true);
    }

    /** Creates the topic if needed, then blocks until every record already in it has been applied. */
    void start(Duration timeout) throws InterruptedException {
        ensureTopic();
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        long end = consumer.endOffsets(List.of(partition)).get(partition);
        reader.start();
        awaitApplied(end, timeout);
        log.info("Schema store loaded {} records from topic {}", end, topic);
    }

    /** Appends a record and returns once the reader has applied it. */
    void append(String key, String value) {
        try {
            long offset = producer.send(new ProducerRecord<>(topic, 0, key, value))
                    .get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).offset();
            awaitApplied(offset + 1, WRITE_TIMEOUT);
        } catch (ExecutionException | TimeoutException e) {
            throw new RegistryException(RegistryException.STORE_ERROR, "Cannot write to the schema topic " + topic
                    + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.STORE_ERROR, "Interrupted while writing to " + topic);
        }
    }

    private void awaitApplied(long offset, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (appliedUpTo < offset) {
                if (readerFailure != null) {
                    throw readerFailure;
                }
                long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remainingMs <= 0) {
                    throw new RegistryException(RegistryException.STORE_ERROR, "The schema topic " + topic
                            + " was not read up to offset " + offset + " within " + timeout.toSeconds() + " s");
                }
                progress.wait(remainingMs);
            }
        }
    }

    private void readForever() {
        try {
            while (!closing) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    applier.accept(record.key(), record.value());
                }
                long position = consumer.position(partition);
                synchronized (progress) {
                    appliedUpTo = position;
                    progress.notifyAll();
                }
            }
        } catch (WakeupException e) {
            if (!closing) {
                readerFailure = new RegistryException(RegistryException.STORE_ERROR, "Schema store reader woken up");
            }
        } catch (RuntimeException e) {
            log.error("Schema store reader stopped on topic {}", topic, e);
            readerFailure = new RegistryException(RegistryException.STORE_ERROR,
                    "The schema topic " + topic + " cannot be read: " + e.getMessage());
        } finally {
            synchronized (progress) {
                progress.notifyAll();
            }
        }
    }

    private void ensureTopic() throws InterruptedException {
        try (Admin admin = Admin.create(clientConfig)) {
            Set<String> existing = admin.listTopics().names().get();
            if (existing.contains(topic)) {
                return;
            }
            NewTopic compacted = new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(List.of(compacted)).all().get();
            log.info("Created compacted schema topic {}", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create the schema topic " + topic + ": "
                        + e.getCause().getMessage(), e);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        closing = true;
        consumer.wakeup();
        reader.join(5_000);
        producer.close(Duration.ofSeconds(5));
        consumer.close(Duration.ofSeconds(5));
    }
}
