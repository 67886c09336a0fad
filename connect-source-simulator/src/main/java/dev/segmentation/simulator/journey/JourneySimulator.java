package dev.segmentation.simulator.journey;

import java.util.ArrayDeque;
import java.util.PriorityQueue;

/**
 * Sends the events of one task's users in sending-time order, as a deterministic function of the settings and
 * the state it starts from.
 *
 * <p>Sessions start as a Poisson process and overlap, so their events interleave. Each session in flight is a
 * {@link SessionPlanner.SessionWalk} that builds its events one at a time; the built events wait in a priority
 * queue by {@link Position}. An event is never sent before it happens, so a walk whose next event time is after
 * the earliest queued event, like a session that starts after it, cannot produce anything that goes first: once
 * every earlier walk has stepped and every earlier session has started, the earliest queued event is next.
 */
public final class JourneySimulator {

    private final SessionPlanner planner;
    private final PriorityQueue<Queued> queue = new PriorityQueue<>();
    /** Walks with events still to build, by the time of their next event. */
    private final PriorityQueue<InFlight> walking = new PriorityQueue<>();
    /**
     * Sessions started and not yet fully sent, in the order of their numbers. Sessions finish out of order; the
     * ones at the head that are done are dropped.
     */
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
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
        while (true) {
            long earliest = queue.isEmpty() ? Long.MAX_VALUE : queue.peek().event.position().sendTimeMs();
            InFlight next = walking.peek();
            if (cursor.startMs() <= earliest && (next == null || cursor.startMs() <= next.nextMs)) {
                startNextSession();
            } else if (next != null && next.nextMs <= earliest) {
                step(walking.poll());
            } else {
                return queue.peek().event;
            }
        }
    }

    /** Sends the next event: returns it and moves the state past it. */
    public PlannedEvent next() {
        PlannedEvent event = peek();
        Queued sent = queue.poll();
        sent.session.queued--;
        dropFinished();
        SessionCursor low = inFlight.isEmpty() ? cursor : inFlight.peekFirst().walk.cursor();
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

    private void startNextSession() {
        InFlight session = new InFlight(planner.start(cursor));
        inFlight.addLast(session);
        session.walkOn(walking);
        cursor = session.walk.next();
    }

    private void step(InFlight session) {
        for (PlannedEvent event : session.walk.step()) {
            // Only a resumed simulator meets events it already sent: those of sessions still in flight.
            if (event.position().compareTo(resumeAfter) > 0) {
                queue.add(new Queued(event, session));
                session.queued++;
            }
        }
        if (session.walk.done()) {
            dropFinished();
        } else {
            session.walkOn(walking);
        }
    }

    private void dropFinished() {
        while (!inFlight.isEmpty() && inFlight.peekFirst().isFinished()) {
            inFlight.pollFirst();
        }
    }

    /** A queued event and the session it belongs to. */
    private record Queued(PlannedEvent event, InFlight session) implements Comparable<Queued> {
        @Override
        public int compareTo(Queued other) {
            return event.compareTo(other.event);
        }
    }

    /** A session's walk and how many of its built events wait to be sent. */
    private static final class InFlight implements Comparable<InFlight> {
        final SessionPlanner.SessionWalk walk;
        int queued;
        /**
         * The walk's next event time, copied here while it waits: the queue compares it some twenty times per
         * event, and one field read is cheaper than two hops to the walk.
         */
        long nextMs;

        InFlight(SessionPlanner.SessionWalk walk) {
            this.walk = walk;
        }

        void walkOn(PriorityQueue<InFlight> walking) {
            nextMs = walk.timeMs();
            walking.add(this);
        }

        @Override
        public int compareTo(InFlight other) {
            return Long.compare(nextMs, other.nextMs);
        }

        boolean isFinished() {
            return walk.done() && queued == 0;
        }
    }
}
