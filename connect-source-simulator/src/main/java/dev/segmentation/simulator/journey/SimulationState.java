package dev.segmentation.simulator.journey;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

import org.apache.kafka.connect.errors.ConnectException;

/**
 * Where a task's simulation stands after an event: exactly what a source offset stores.
 *
 * <p>Sessions overlap in time, so progress is not one counter. It is the oldest session that still has events
 * to send ({@code low}) and the position of the last event sent ({@code last}). On restart the simulator
 * regenerates the sessions from {@code low} on and skips every event at or before {@code last}: the next event
 * is exactly the one it would have sent, with no gap and no duplicate. Only sessions still in flight are
 * regenerated, a bounded amount of work however long the run has been.
 *
 * @param eventsSent      events sent so far, duplicates and malformed ones included
 * @param low             the oldest session with events still to send
 * @param last            the position of the last event sent
 * @param maxEventTimeMs  the latest event time sent, from which the closing watermark is computed
 * @param watermarkSent   whether the closing watermark of a bounded run has been sent
 */
public record SimulationState(long eventsSent, SessionCursor low, Position last, long maxEventTimeMs,
                              boolean watermarkSent) {

    static final String EVENTS_SENT_KEY = "events.sent";
    static final String LOW_SESSION_KEY = "low.session";
    static final String LOW_SESSION_START_KEY = "low.session.start.ms";
    static final String LOW_SESSION_USERS_KEY = "low.session.users.before";
    static final String LAST_SEND_TIME_KEY = "last.send.ms";
    static final String LAST_SESSION_KEY = "last.session";
    static final String LAST_INDEX_KEY = "last.index";
    static final String LAST_COPY_KEY = "last.copy";
    static final String MAX_EVENT_TIME_KEY = "max.event.time.ms";
    static final String WATERMARK_SENT_KEY = "watermark.sent";

    /** The state of a task that has sent nothing yet. */
    public static SimulationState initial(long startTimeMs) {
        return new SimulationState(0, new SessionCursor(0, startTimeMs, 0), Position.START, startTimeMs, false);
    }

    /** The state after the closing watermark. */
    public SimulationState withWatermarkSent() {
        return new SimulationState(eventsSent, low, last, maxEventTimeMs, true);
    }

    /**
     * This state as a Connect source offset: an immutable view, not a copy. Every record carries one, and the
     * worker keeps each record until its transaction commits, so a view of this state keeps a backfill's live
     * heap, and the collector's copying of it, several times smaller than a map of boxed numbers would.
     */
    public Map<String, Object> toOffset() {
        return new OffsetView(this);
    }

    /**
     * Reads a state back from a source offset.
     *
     * @throws ConnectException naming the key when the offset does not have the expected shape
     */
    public static SimulationState fromOffset(Map<String, ?> offset) {
        SessionCursor low = new SessionCursor(number(offset, LOW_SESSION_KEY, 0), number(offset, LOW_SESSION_START_KEY, 0),
                number(offset, LOW_SESSION_USERS_KEY, 0));
        Position last = new Position(number(offset, LAST_SEND_TIME_KEY, Long.MIN_VALUE),
                number(offset, LAST_SESSION_KEY, -1), (int) number(offset, LAST_INDEX_KEY, -1),
                (int) number(offset, LAST_COPY_KEY, -1));
        if (!(offset.get(WATERMARK_SENT_KEY) instanceof Boolean watermarkSent)) {
            throw invalid(offset, "a boolean '" + WATERMARK_SENT_KEY + "'");
        }
        return new SimulationState(number(offset, EVENTS_SENT_KEY, 0), low, last,
                number(offset, MAX_EVENT_TIME_KEY, 0), watermarkSent);
    }

    private static long number(Map<String, ?> offset, String key, long minimum) {
        // Offsets come back through the worker's JSON converter, so integers may be Integer or Long.
        if (!(offset.get(key) instanceof Number number) || number instanceof Double || number instanceof Float
                || number.longValue() < minimum) {
            throw invalid(offset, "an integer '" + key + "' of at least " + minimum);
        }
        return number.longValue();
    }

    private static ConnectException invalid(Map<String, ?> offset, String expected) {
        return new ConnectException("Source offset " + offset + " must hold " + expected
                + "; reset the connector's offsets or correct them with PATCH /connectors/{name}/offsets");
    }

    /** The ten offset keys, read on demand from the state; equal to, and hashed as, any map of the same pairs. */
    private static final class OffsetView extends AbstractMap<String, Object> {

        private static final List<String> KEYS = List.of(EVENTS_SENT_KEY, LOW_SESSION_KEY, LOW_SESSION_START_KEY,
                LOW_SESSION_USERS_KEY, LAST_SEND_TIME_KEY, LAST_SESSION_KEY, LAST_INDEX_KEY, LAST_COPY_KEY,
                MAX_EVENT_TIME_KEY, WATERMARK_SENT_KEY);

        private final SimulationState state;

        OffsetView(SimulationState state) {
            this.state = state;
        }

        @Override
        public Object get(Object key) {
            return key instanceof String name ? value(name) : null;
        }

        @Override
        public boolean containsKey(Object key) {
            return KEYS.contains(key);
        }

        @Override
        public int size() {
            return KEYS.size();
        }

        /** Without the entry objects {@link AbstractMap#hashCode()} would build, as the worker hashes each record. */
        @Override
        public int hashCode() {
            int hash = 0;
            for (String key : KEYS) {
                hash += key.hashCode() ^ value(key).hashCode();
            }
            return hash;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, Object>> iterator() {
                    return new Iterator<>() {
                        private int next;

                        @Override
                        public boolean hasNext() {
                            return next < KEYS.size();
                        }

                        @Override
                        public Entry<String, Object> next() {
                            if (!hasNext()) {
                                throw new NoSuchElementException();
                            }
                            String key = KEYS.get(next++);
                            return new SimpleImmutableEntry<>(key, value(key));
                        }
                    };
                }

                @Override
                public int size() {
                    return KEYS.size();
                }
            };
        }

        private Object value(String key) {
            return switch (key) {
                case EVENTS_SENT_KEY -> state.eventsSent;
                case LOW_SESSION_KEY -> state.low.index();
                case LOW_SESSION_START_KEY -> state.low.startMs();
                case LOW_SESSION_USERS_KEY -> state.low.usersBefore();
                case LAST_SEND_TIME_KEY -> state.last.sendTimeMs();
                case LAST_SESSION_KEY -> state.last.session();
                case LAST_INDEX_KEY -> (long) state.last.index();
                case LAST_COPY_KEY -> (long) state.last.copy();
                case MAX_EVENT_TIME_KEY -> state.maxEventTimeMs;
                case WATERMARK_SENT_KEY -> state.watermarkSent;
                default -> null;
            };
        }
    }
}
