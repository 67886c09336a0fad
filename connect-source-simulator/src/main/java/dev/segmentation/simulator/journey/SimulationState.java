package dev.segmentation.simulator.journey;

import java.util.Map;

import org.apache.kafka.connect.errors.ConnectException;

/**
 * Where a task's simulation stands: the sequence number and event time of the <em>next</em> event.
 *
 * <p>This is exactly what a source offset stores. Every random draw of an event is derived from the seed, the
 * task and the sequence number, so restoring these two numbers resumes the simulation at the very event it
 * would have produced next, with no gap and no duplicate.
 */
public record SimulationState(long sequence, long nextEventTimeMs) {

    /** Offset key holding the sequence number of the next event. */
    public static final String SEQUENCE_KEY = "sequence";
    /** Offset key holding the event time, in epoch milliseconds, of the next event. */
    public static final String NEXT_EVENT_TIME_KEY = "next.event.time.ms";

    /** The state of a task that has produced nothing yet. */
    public static SimulationState initial(long startTimeMs) {
        return new SimulationState(0L, startTimeMs);
    }

    /** This state as a Connect source offset. */
    public Map<String, Object> toOffset() {
        return Map.of(SEQUENCE_KEY, sequence, NEXT_EVENT_TIME_KEY, nextEventTimeMs);
    }

    /**
     * Reads a state back from a source offset.
     *
     * @throws ConnectException naming the key when the offset does not have the expected shape
     */
    public static SimulationState fromOffset(Map<String, ?> offset) {
        return new SimulationState(nonNegativeLong(offset, SEQUENCE_KEY), nonNegativeLong(offset, NEXT_EVENT_TIME_KEY));
    }

    private static long nonNegativeLong(Map<String, ?> offset, String key) {
        // Offsets come back through the worker's JSON converter, so integers may be Integer or Long.
        if (!(offset.get(key) instanceof Number number) || number.longValue() < 0) {
            throw new ConnectException("Source offset " + offset + " must hold a non-negative integer '" + key
                    + "'; reset the connector's offsets or correct them with PATCH /connectors/{name}/offsets");
        }
        return number.longValue();
    }
}
