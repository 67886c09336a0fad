package dev.segmentation.simulator;

import org.apache.kafka.common.utils.Time;

/**
 * Maps wall-clock time to simulated event time, so the task knows which events are due.
 *
 * <p>The clock is anchored when the task starts: the first event it owes is due at once, and simulated time
 * then runs at the configured rate. A restarted task re-anchors at the event time it resumes from, so an
 * accelerated run continues at the same pace instead of bursting to catch up with the wall clock.
 */
final class SimulationClock {

    private final Time time;
    private final double simulatedPerRealMs;
    private final long anchorSimulatedMs;
    private final long anchorRealMs;

    private SimulationClock(Time time, double simulatedPerRealMs, long anchorSimulatedMs) {
        this.time = time;
        this.simulatedPerRealMs = simulatedPerRealMs;
        this.anchorSimulatedMs = anchorSimulatedMs;
        this.anchorRealMs = time.milliseconds();
    }

    static SimulationClock start(ClockMode mode, double acceleration, long anchorSimulatedMs, Time time) {
        double rate = switch (mode) {
            case REALTIME -> 1.0;
            case ACCELERATED -> acceleration;
            case BACKFILL -> Double.POSITIVE_INFINITY;
        };
        return new SimulationClock(time, rate, anchorSimulatedMs);
    }

    /** The latest event time that is due now. */
    long simulatedNowMs() {
        if (Double.isInfinite(simulatedPerRealMs)) {
            return Long.MAX_VALUE;
        }
        return anchorSimulatedMs + (long) ((time.milliseconds() - anchorRealMs) * simulatedPerRealMs);
    }

    /** Wall-clock milliseconds until the given event time is due; zero when it already is. */
    long realMsUntil(long simulatedMs) {
        long ahead = simulatedMs - simulatedNowMs();
        return ahead <= 0 ? 0 : (long) Math.ceil(ahead / simulatedPerRealMs);
    }
}
