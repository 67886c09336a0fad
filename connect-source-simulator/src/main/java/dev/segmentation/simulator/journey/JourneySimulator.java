package dev.segmentation.simulator.journey;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.SplittableRandom;
import java.util.UUID;

import org.apache.kafka.connect.data.Struct;

/**
 * Simulates the users of one task, one event at a time, as a pure function of its state.
 *
 * <p>Every draw for the event with sequence number {@code n} comes from a generator seeded by
 * {@code (seed, task, n)}, never from a generator carried from event to event. That is what makes a run
 * reproducible byte for byte, and lets a restarted task resume from a two-number offset.
 *
 * <p>Users arrive as a Poisson process: the gap to the next registration is exponential with the configured
 * mean, so bursts and lulls look like real traffic rather than a metronome.
 */
public final class JourneySimulator {

    private static final long MILLIS_PER_HOUR = 3_600_000L;

    private final long seed;
    private final int taskIndex;
    private final double meanGapMs;

    /**
     * @param seed               seed of the whole simulation
     * @param taskIndex          which slice of the population this simulator owns
     * @param eventsPerHourOfTask mean registrations per simulated hour for this task alone
     */
    public JourneySimulator(long seed, int taskIndex, double eventsPerHourOfTask) {
        this.seed = seed;
        this.taskIndex = taskIndex;
        this.meanGapMs = MILLIS_PER_HOUR / eventsPerHourOfTask;
    }

    /** The event the given state produces, and the state after it. */
    public Step next(SimulationState state) {
        SplittableRandom random = randomFor(state.sequence());
        String userId = "u" + taskIndex + "-" + state.sequence();
        Struct registration = new Struct(EventSchemas.USER_REGISTRATION)
                .put("event_id", eventId(state.sequence()))
                .put("user_id", userId)
                .put("event_time", new Date(state.nextEventTimeMs()))
                .put("schema_version", EventSchemas.SCHEMA_VERSION);
        UserProfiles.fillRegistration(registration, random);

        SimulatedEvent event = new SimulatedEvent(EventType.USER_REGISTRATION, userId, state.nextEventTimeMs(),
                registration);
        long gapMs = Math.max(1L, Math.round(-meanGapMs * Math.log(1.0 - random.nextDouble())));
        return new Step(event, new SimulationState(state.sequence() + 1, state.nextEventTimeMs() + gapMs));
    }

    private SplittableRandom randomFor(long sequence) {
        // SplittableRandom mixes its seed thoroughly, so a simple odd-multiplier combination suffices here.
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + taskIndex * 0xC2B2AE3D27D4EB4FL + sequence);
    }

    private String eventId(long sequence) {
        byte[] name = (seed + "/" + taskIndex + "/" + sequence).getBytes(StandardCharsets.UTF_8);
        return UUID.nameUUIDFromBytes(name).toString();
    }

    /** An event together with the state that follows it. */
    public record Step(SimulatedEvent event, SimulationState nextState) {
    }
}
