package dev.segmentation.stack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.segmentation.events.registry.RegistrySettings;
import dev.segmentation.window.serde.ConfluentAvroSerde;
import dev.segmentation.window.serde.HttpSchemaRegistry;

/**
 * Reads whole topics as a downstream consumer would: committed records only, from the beginning to the end that
 * the broker reports when reading starts, with Avro decoded through the schema registry.
 */
final class TopicReader {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final String bootstrapServers;
    private final ConfluentAvroSerde avroKeys;
    private final ConfluentAvroSerde avroValues;

    TopicReader(String bootstrapServers, String registryUrl) {
        this.bootstrapServers = bootstrapServers;
        HttpSchemaRegistry registry = new HttpSchemaRegistry(RegistrySettings.of(registryUrl));
        this.avroKeys = new ConfluentAvroSerde(registry, true);
        this.avroValues = new ConfluentAvroSerde(registry, false);
    }

    /** An input topic: string keys (user ids, or the watermark key), Avro values or null for watermarks. */
    List<ConsumerRecord<String, GenericRecord>> events(String topic) {
        return read(topic, new StringDeserializer(), avroValues.deserializer());
    }

    /** An output topic: Avro keys and values. */
    List<ConsumerRecord<GenericRecord, GenericRecord>> rows(String topic) {
        return read(topic, avroKeys.deserializer(), avroValues.deserializer());
    }

    /** Any topic, undecoded. */
    List<ConsumerRecord<byte[], byte[]>> raw(String topic) {
        return read(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private <K, V> List<ConsumerRecord<K, V>> read(String topic, Deserializer<K> keys, Deserializer<V> values) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config, keys, values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // With read_committed these are the last stable offsets: everything committed so far.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read " + topic + " up to " + end + " within " + TIMEOUT);
                }
                for (ConsumerRecord<K, V> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        records.add(record);
                    }
                }
            }
        }
        return records;
    }
}
