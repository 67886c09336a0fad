package dev.segmentation.simulator.journey;

import java.util.ArrayDeque;
import java.util.PriorityQueue;

/**
 * Sends the events of one task's users in sending-time order, as a deterministic function of the settings and
 * the state it starts from.
 *
 * <p>Sessions start as a Poisson process and overlap, so their events interleave. The simulator plans each
 * session whole when its start is due and merges the planned events through a priority queue. Because a
 * session's events are never sent before it starts, planning every session that starts before the earliest
 * queued event is enough to know that event is next.
 */
public final class JourneySimulator {

    private final SessionPlanner planner;
    private final PriorityQueue<Queued> queue = new PriorityQueue<>();
    /**
     * Sessions planned and not yet fully sent, in the order of their numbers, each with its cursor and how many
     * events remain. Sessions finish out of order; the ones at the head with none left are dropped.
     */
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final Position resumeAfter;
    private SessionCursor cursor;
    private SimulationState state;

    /**
     * @param settings the journeys to simulate
     * @param state    where to resume: {@link SimulationState#initial(long)} or a state read from an offset
     */
    public JourneySimulator(JourneySettings settings, SimulationState state) {
        this.planner = new SessionPlanner(settings);
        this.state = state;
        this.cursor = state.low();
        this.resumeAfter = state.last();
    }

    /** The next event, without sending it. */
    public PlannedEvent peek() {
        while (queue.isEmpty() || cursor.startMs() <= queue.peek().event.position().sendTimeMs()) {
            planNextSession();
        }
        return queue.peek().event;
    }

    /** Sends the next event: returns it and moves the state past it. */
    public PlannedEvent next() {
        PlannedEvent event = peek();
        Queued sent = queue.poll();
        if (--sent.session.events == 0) {
            while (!pending.isEmpty() && pending.peekFirst().events == 0) {
                pending.pollFirst();
            }
        }
        SessionCursor low = pending.isEmpty() ? cursor : pending.peekFirst().cursor;
        state = new SimulationState(state.eventsSent() + 1, low, event.position(),
                Math.max(state.maxEventTimeMs(), event.eventTimeMs()), false);
        return event;
    }

    /** Records that the closing watermark of a bounded run has been sent. */
    public void markWatermarkSent() {
        state = state.withWatermarkSent();
    }

    /** The state after the last event sent. */
    public SimulationState state() {
        return state;
    }

    private void planNextSession() {
        SessionPlanner.PlannedSession session = planner.plan(cursor);
        Pending planned = new Pending(cursor);
        for (PlannedEvent event : session.events()) {
            // Only a resumed simulator meets events it already sent: those of sessions still in flight.
            if (event.position().compareTo(resumeAfter) > 0) {
                queue.add(new Queued(event, planned));
                planned.events++;
            }
        }
        if (planned.events > 0) {
            pending.addLast(planned);
        }
        cursor = session.next();
    }

    /** A queued event and the session it belongs to. */
    private record Queued(PlannedEvent event, Pending session) implements Comparable<Queued> {
        @Override
        public int compareTo(Queued other) {
            return event.compareTo(other.event);
        }
    }

    private static final class Pending {
        final SessionCursor cursor;
        int events;

        Pending(SessionCursor cursor) {
            this.cursor = cursor;
        }
    }
}
