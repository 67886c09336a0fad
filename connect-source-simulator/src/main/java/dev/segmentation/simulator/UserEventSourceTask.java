package dev.segmentation.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.segmentation.events.BundleVersion;
import dev.segmentation.events.EventType;
import dev.segmentation.simulator.journey.EventSchemas;
import dev.segmentation.simulator.journey.JourneySimulator;
import dev.segmentation.simulator.journey.PlannedEvent;
import dev.segmentation.simulator.journey.SimulationState;

/**
 * Sends the simulated events of one slice of the user population.
 *
 * <p>Each record's source offset is the simulation state <em>after</em> it, so a task restored from its last
 * committed offset sends exactly the next event. {@link #poll()} returns only events whose sending time the
 * clock has reached, waits for the next one in a way {@link #stop()} interrupts at once, and lets interrupts
 * propagate to the worker. A bounded run ends with one watermark record per owned partition and topic, then
 * idles with the task RUNNING.
 */
public class UserEventSourceTask extends SourceTask {

    /** Key of watermark records. */
    public static final String WATERMARK_KEY = "__watermark__";
    /** Header that marks a watermark record; its value is the watermark's event time as an ISO-8601 instant. */
    public static final String WATERMARK_HEADER = "segmentation.watermark";

    private static final Logger log = LoggerFactory.getLogger(UserEventSourceTask.class);
    /** Longest a poll waits for the next due event, so the worker regains control regularly. */
    static final long MAX_WAIT_MS = 1_000L;

    private final Time time;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private UserEventSourceConnectorConfig config;
    private TaskSlice slice;
    private Map<String, Object> sourcePartition;
    private int[] ownedPartitions;
    /** Topic of each event type, by ordinal: looked up once rather than per record. */
    private String[] topics;
    private JourneySimulator simulator;
    private SimulationClock clock;
    private long endMs;
    /** Read once: the config's getters look their key up in a map, and poll() asks for these per record. */
    private long maxEvents;
    private int batchSize;
    private boolean finishLogged;

    public UserEventSourceTask() {
        this(Time.SYSTEM);
    }

    UserEventSourceTask(Time time) {
        this.time = time;
    }

    @Override
    public String version() {
        return BundleVersion.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new UserEventSourceConnectorConfig(props);
        slice = TaskSlice.fromTaskConfig(props);
        sourcePartition = slice.sourcePartition();
        ownedPartitions = IntStream.range(0, config.topicPartitions())
                .filter(partition -> partition % slice.count() == slice.index())
                .toArray();
        topics = Arrays.stream(EventType.values()).map(config::topic).toArray(String[]::new);
        endMs = config.clockEnd().map(Instant::toEpochMilli).orElse(Long.MAX_VALUE);
        maxEvents = config.maxEvents();
        batchSize = config.batchSize();

        Map<String, Object> offset = context.offsetStorageReader().offset(sourcePartition);
        SimulationState state = offset == null
                ? SimulationState.initial(config.clockStart().map(Instant::toEpochMilli).orElse(time.milliseconds()))
                : SimulationState.fromOffset(offset);
        simulator = new JourneySimulator(config.journeySettings(slice), state);
        long nextSendMs = simulator.peek().position().sendTimeMs();
        clock = SimulationClock.start(config.clockMode(), config.clockAcceleration(), nextSendMs, time);
        log.info("Simulator task {} starting after {} events at event time {} on the {} clock", slice,
                state.eventsSent(), Instant.ofEpochMilli(nextSendMs), config.clockMode().configValue());
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        if (finished()) {
            if (!simulator.state().watermarkSent()) {
                return watermarks();
            }
            logFinishOnce();
            stopped.await(MAX_WAIT_MS, TimeUnit.MILLISECONDS);
            return null;
        }
        long dueUntil = clock.simulatedNowMs();
        List<SourceRecord> batch = new ArrayList<>();
        while (batch.size() < batchSize && !finished()
                && simulator.peek().position().sendTimeMs() <= dueUntil) {
            batch.add(toRecord(simulator.next(), simulator.state()));
        }
        if (batch.isEmpty()) {
            long waitMs = Math.min(MAX_WAIT_MS, clock.realMsUntil(simulator.peek().position().sendTimeMs()));
            stopped.await(waitMs, TimeUnit.MILLISECONDS);
            return null;
        }
        return batch;
    }

    private boolean finished() {
        SimulationState state = simulator.state();
        return state.eventsSent() >= maxEvents || simulator.peek().position().sendTimeMs() >= endMs;
    }

    /**
     * Stream time downstream only moves with records, so without these the last windows of a bounded run would
     * never close. The watermark carries no value and a header, so it is recognisable and never an event.
     */
    private List<SourceRecord> watermarks() {
        SimulationState state = simulator.state();
        long watermarkMs = Math.min(state.maxEventTimeMs(), endMs) + config.watermarkLeadMs();
        SimulationState after = state.withWatermarkSent();
        List<SourceRecord> records = new ArrayList<>();
        for (EventType type : EventType.values()) {
            for (int partition : ownedPartitions) {
                ConnectHeaders headers = new ConnectHeaders();
                headers.addString(WATERMARK_HEADER, Instant.ofEpochMilli(watermarkMs).toString());
                records.add(new SimulatedRecord(sourcePartition, after, config.topic(type), partition,
                        EventSchemas.KEY, WATERMARK_KEY, null, null, watermarkMs, headers));
            }
        }
        // The state must know the watermark is out before the next poll, whatever the worker commits when.
        simulator.markWatermarkSent();
        log.info("Simulator task {} sent {} events and its watermark at {}", slice, state.eventsSent(),
                Instant.ofEpochMilli(watermarkMs));
        return records;
    }

    private void logFinishOnce() {
        if (!finishLogged) {
            finishLogged = true;
            log.info("Simulator task {} finished; it stays idle until stopped", slice);
        }
    }

    private SourceRecord toRecord(PlannedEvent event, SimulationState next) {
        if (event.malformed()) {
            if (config.malformedTopic().isPresent()) {
                return new SimulatedRecord(sourcePartition, next, config.malformedTopic().get(), null,
                        EventSchemas.KEY, event.userId(), EventSchemas.MALFORMED, truncatedText(event),
                        event.eventTimeMs());
            }
            event.value().put("user_id", "").put("schema_version", 0);
        }
        return new SimulatedRecord(sourcePartition, next, topics[event.type().ordinal()], partitionOf(event.userId()),
                EventSchemas.KEY, event.userId(), event.value().schema(), event.value(), event.eventTimeMs());
    }

    /** Keeps a user's events in one partition, chosen among this task's own. */
    private int partitionOf(String userId) {
        int hash = Utils.toPositive(Utils.murmur2(userId.getBytes(StandardCharsets.UTF_8)));
        return ownedPartitions[hash % ownedPartitions.length];
    }

    /** A JSON rendering of the event cut off mid-way, as a crashed client might leave it. */
    private static String truncatedText(PlannedEvent event) {
        return "{\"event_id\":\"" + event.eventId() + "\",\"user_id\":\"" + event.userId() + "\",\"type\":\""
                + event.type().defaultTopic() + "\",\"event_time\":";
    }

    @Override
    public void stop() {
        stopped.countDown();
    }
}
