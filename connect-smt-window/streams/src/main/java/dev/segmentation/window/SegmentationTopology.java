package dev.segmentation.window;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.TopicNameExtractor;

import dev.segmentation.events.EventType;
import dev.segmentation.window.ingest.Ingested;
import dev.segmentation.window.ingest.Intake;
import dev.segmentation.window.ingest.Rejected;
import dev.segmentation.window.metrics.WatermarkMulticast;
import dev.segmentation.window.metrics.WindowFeedSerde;
import dev.segmentation.window.metrics.WindowStage;
import dev.segmentation.window.serde.ConfluentAvroSerde;
import dev.segmentation.window.serde.SchemaRegistry;
import dev.segmentation.window.users.UserActivity;
import dev.segmentation.window.users.UserSegmentUpdate;

/**
 * Wires the stages into one topology of two sub-topologies:
 *
 * <pre>
 * six input topics ─▶ intake ─┬─ rejected ─▶ dead-letter topic
 *  (co-partitioned            └─ user activity (deduplicates, ─┬─ user segment topic
 *   by user id)                  pre-aggregates per pane)      └─ partials and late events by segment
 *                                                                 (repartition; watermarks and ticks to every
 *                                                                 partition)
 *   ─▶ alignment of the upstream partitions ─▶ segment windows (merge partials) ─▶ one topic per metric,
 *                                                                                   late events topic
 * </pre>
 *
 * The per-user stage runs where the input lands, so a user's registration meets their other events without a
 * repartition; the only repartition is by segment, into the windows, and it carries one partial per segment and
 * pane from each per-user task rather than a record per event.
 */
final class SegmentationTopology {

    static final String REPARTITION_NAME = "contributions-by-segment";

    private SegmentationTopology() {
    }

    /**
     * @param upstreamPartitions the input topics' partition count, which is how many per-user tasks feed each
     *                           window partition
     */
    static Topology build(SegmentationConfig config, SchemaRegistry registry, Clock clock, int upstreamPartitions) {
        Serde<GenericRecord> avroKey = new ConfluentAvroSerde(registry, true);
        Serde<GenericRecord> avroValue = new ConfluentAvroSerde(registry, false);
        WindowSpec windows = config.windows();
        Map<String, EventType> typesByTopic = config.eventTypesByTopic();
        List<String> inputTopics = typesByTopic.keySet().stream().sorted().toList();

        StreamsBuilder builder = new StreamsBuilder();
        KStream<Bytes, Ingested> ingested = builder
                .stream(inputTopics, Consumed.with(Serdes.Bytes(), Serdes.ByteArray()).withName("events"))
                .processValues(Intake.supplier(typesByTopic, registry), Named.as("intake"));
        Map<String, KStream<Bytes, Ingested>> intake = ingested.split(Named.as("intake-"))
                .branch((key, value) -> value instanceof Rejected, Branched.as("rejected"))
                .defaultBranch(Branched.as("accepted"));
        intake.get("intake-rejected")
                .mapValues(rejected -> ((Rejected) rejected).value(), Named.as("rejected-bytes"))
                .to(config.deadLetterTopic(), Produced.with(Serdes.Bytes(), Serdes.ByteArray()).withName("dead-letters"));

        KStream<Bytes, Object> activity = intake.get("intake-accepted")
                .process(UserActivity.supplier(inputTopics, windows, config.sessionTimeoutMs(),
                        config.dedupRetentionMs(), config.alignmentIdleMs(), config.userSegmentRules()),
                        Named.as("user-activity"));
        Map<String, KStream<Bytes, Object>> activityOut = activity.split(Named.as("activity-"))
                .branch((key, value) -> value instanceof UserSegmentUpdate, Branched.as("user-segments"))
                .branch((key, value) -> value instanceof Rejected, Branched.as("expired"))
                .defaultBranch(Branched.as("contributions"));
        activityOut.get("activity-expired")
                .mapValues(rejected -> ((Rejected) rejected).value(), Named.as("expired-bytes"))
                .to(config.deadLetterTopic(), Produced.with(Serdes.Bytes(), Serdes.ByteArray())
                        .withName("expired-dead-letters"));
        activityOut.get("activity-user-segments")
                .map((userKey, update) -> KeyValue.pair(((UserSegmentUpdate) update).key(),
                        ((UserSegmentUpdate) update).value()), Named.as("user-segment-rows"))
                .to(config.userSegmentsOutputTopic(), Produced.with(avroKey, avroValue).withName("user-segments"));

        // The per-user stage has spent the grace period already, putting events in order: what reaches the windows
        // is in event-time order from every upstream partition, so they close at their end.
        WindowStage stage = new WindowStage(windows.withoutGrace(), config.dedupRetentionMs(), upstreamPartitions,
                config.alignmentIdleMs(), clock);
        stage.stores().forEach(builder::addStateStore);
        activityOut.get("activity-contributions")
                .repartition(Repartitioned.with(Serdes.Bytes(), new WindowFeedSerde())
                        .withStreamPartitioner(new WatermarkMulticast())
                        .withName(REPARTITION_NAME))
                .processValues(stage.alignment(), Named.as("origin-alignment"), stage.alignmentStores())
                .process(stage.segmentWindows(), Named.as("segment-windows"), stage.segmentWindowStores())
                .to(metricTopics(config), Produced.with(avroKey, avroValue).withName("metrics"));
        return builder.build();
    }

    /** Each metric row goes to its metric's topic, told apart by its schema. */
    private static TopicNameExtractor<GenericRecord, GenericRecord> metricTopics(SegmentationConfig config) {
        Map<Schema, String> topics = metricTopicsBySchema(config);
        return (key, row, context) -> topics.get(row.getSchema());
    }

    /** The topic of each metric row's value schema; every metric row's key is a {@code SegmentWindowKey}. */
    static Map<Schema, String> metricTopicsBySchema(SegmentationConfig config) {
        return Map.of(
                AggregateSchemas.SEGMENT_REGISTRATIONS, config.registrationsOutputTopic(),
                AggregateSchemas.SEGMENT_ACTIVE_USERS, config.activeUsersOutputTopic(),
                AggregateSchemas.SEGMENT_SESSIONS, config.sessionsOutputTopic(),
                AggregateSchemas.SEGMENT_FUNNEL, config.funnelOutputTopic(),
                AggregateSchemas.SEGMENT_REVENUE, config.revenueOutputTopic(),
                AggregateSchemas.SEGMENT_LATE_EVENTS, config.lateEventsOutputTopic());
    }
}
