package dev.segmentation.window;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the application's input and output topics when they are missing, so the application can start
 * before the simulator has written its first event. Existing topics are left as they are. Kafka Streams creates
 * its internal topics itself; it does not create the topics a processor writes to by name, which are these.
 *
 * <p>Topics that are not compacted keep their records without a time limit ({@code retention.ms=-1}). Their record
 * timestamps are event times, and brokers expire records by timestamp: with the default week, the events and rows
 * of a backfill older than that would be deleted within minutes of landing, before a sink or this application had
 * read them.
 */
final class TopicBootstrap {

    private static final Logger log = LoggerFactory.getLogger(TopicBootstrap.class);

    private TopicBootstrap() {
    }

    /** An admin client with the application's connection settings, for the calls below. */
    static Admin admin(Properties streamsProps) {
        // StreamsConfig resolves config-provider placeholders such as ${env:KAFKA_BOOTSTRAP_SERVERS}.
        return Admin.create(new StreamsConfig(streamsProps).getAdminConfigs("segmentation-topic-bootstrap"));
    }

    /**
     * @param topics    every topic to create if missing
     * @param compacted those of them that keep only the latest record per key
     */
    static void ensureTopics(Admin admin, int partitions, Collection<String> topics, Collection<String> compacted)
            throws InterruptedException {
        try {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = topics.stream().distinct().filter(topic -> !existing.contains(topic))
                    .map(topic -> newTopic(topic, partitions, compacted.contains(topic)))
                    .toList();
            if (missing.isEmpty()) {
                return;
            }
            admin.createTopics(missing).values().forEach((topic, future) -> {
                try {
                    future.get();
                    log.info("Created topic {} with {} partitions", topic, partitions);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic " + topic + ": " + e.getCause().getMessage(), e);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while creating topic " + topic, e);
                }
            });
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot list topics: " + e.getCause().getMessage(), e);
        }
    }

    /**
     * The partition count of the input topics, which Kafka Streams requires to be co-partitioned: that many
     * per-user tasks feed every window partition.
     */
    static int inputPartitions(Admin admin, Collection<String> inputTopics) throws InterruptedException {
        try {
            return admin.describeTopics(inputTopics).allTopicNames().get().values().stream()
                    .mapToInt(description -> description.partitions().size()).max().orElse(1);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot describe the input topics " + inputTopics + ": "
                    + e.getCause().getMessage(), e);
        }
    }

    static NewTopic newTopic(String topic, int partitions, boolean compacted) {
        return new NewTopic(topic, Optional.of(partitions), Optional.empty()).configs(compacted
                ? Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)
                : Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));
    }
}
