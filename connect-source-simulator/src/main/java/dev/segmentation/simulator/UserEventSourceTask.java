package dev.segmentation.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.segmentation.simulator.journey.EventSchemas;
import dev.segmentation.simulator.journey.JourneySimulator;
import dev.segmentation.simulator.journey.SimulatedEvent;
import dev.segmentation.simulator.journey.SimulationState;

/**
 * Produces the simulated events of one slice of the user population.
 *
 * <p>Each record's source offset is the simulation state <em>after</em> it, so a task restored from its last
 * committed offset produces exactly the next event. {@link #poll()} returns only events whose event time the
 * clock has reached, waits for the next one in a way {@link #stop()} interrupts at once, and lets interrupts
 * propagate to the worker.
 */
public class UserEventSourceTask extends SourceTask {

    private static final Logger log = LoggerFactory.getLogger(UserEventSourceTask.class);
    /** Longest a poll waits for the next due event, so the worker regains control regularly. */
    static final long MAX_WAIT_MS = 1_000L;

    private final Time time;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private UserEventSourceConnectorConfig config;
    private Map<String, Object> sourcePartition;
    private JourneySimulator simulator;
    private SimulationClock clock;
    private SimulationState state;
    private boolean finishLogged;

    public UserEventSourceTask() {
        this(Time.SYSTEM);
    }

    UserEventSourceTask(Time time) {
        this.time = time;
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new UserEventSourceConnectorConfig(props);
        TaskSlice slice = TaskSlice.fromTaskConfig(props);
        sourcePartition = slice.sourcePartition();
        simulator = new JourneySimulator(config.seed(), slice.index(),
                config.registrationsPerHour() / slice.count());

        Map<String, Object> offset = context.offsetStorageReader().offset(sourcePartition);
        state = offset == null
                ? SimulationState.initial(config.clockStart().map(Instant::toEpochMilli).orElse(time.milliseconds()))
                : SimulationState.fromOffset(offset);
        clock = SimulationClock.start(config.clockMode(), config.clockAcceleration(), state.nextEventTimeMs(), time);
        log.info("Simulator task {} starting at event {} (event time {}) on the {} clock",
                slice, state.sequence(), Instant.ofEpochMilli(state.nextEventTimeMs()), config.clockMode().configValue());
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        if (finished()) {
            logFinishOnce();
            stopped.await(MAX_WAIT_MS, TimeUnit.MILLISECONDS);
            return null;
        }
        long dueUntil = clock.simulatedNowMs();
        List<SourceRecord> batch = new ArrayList<>();
        while (batch.size() < config.batchSize() && !finished() && state.nextEventTimeMs() <= dueUntil) {
            JourneySimulator.Step step = simulator.next(state);
            state = step.nextState();
            batch.add(toRecord(step.event(), state));
        }
        if (batch.isEmpty()) {
            long waitMs = Math.min(MAX_WAIT_MS, clock.realMsUntil(state.nextEventTimeMs()));
            stopped.await(waitMs, TimeUnit.MILLISECONDS);
            return null;
        }
        return batch;
    }

    private boolean finished() {
        if (state.sequence() >= config.maxEvents()) {
            return true;
        }
        return config.clockEnd().map(end -> state.nextEventTimeMs() >= end.toEpochMilli()).orElse(false);
    }

    private void logFinishOnce() {
        if (!finishLogged) {
            finishLogged = true;
            log.info("Simulator task finished after {} events; it stays idle until stopped", state.sequence());
        }
    }

    private SourceRecord toRecord(SimulatedEvent event, SimulationState next) {
        return new SourceRecord(sourcePartition, next.toOffset(), topicFor(event), null,
                EventSchemas.KEY, event.userId(), event.value().schema(), event.value(), event.eventTimeMs());
    }

    private String topicFor(SimulatedEvent event) {
        return switch (event.type()) {
            case USER_REGISTRATION -> config.registrationTopic();
        };
    }

    @Override
    public void stop() {
        stopped.countDown();
    }
}
