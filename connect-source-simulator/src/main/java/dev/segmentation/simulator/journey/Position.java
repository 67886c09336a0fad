package dev.segmentation.simulator.journey;

import java.util.Comparator;

/**
 * Where an event stands in a task's output order: by sending time, then session, event within the session,
 * and copy (a duplicate is copy 1). The order is total, so "everything up to this position has been sent" is
 * a complete description of progress.
 */
public record Position(long sendTimeMs, long session, int index, int copy) implements Comparable<Position> {

    /** Before every event. */
    public static final Position START = new Position(Long.MIN_VALUE, -1, -1, -1);

    private static final Comparator<Position> ORDER = Comparator.comparingLong(Position::sendTimeMs)
            .thenComparingLong(Position::session)
            .thenComparingInt(Position::index)
            .thenComparingInt(Position::copy);

    @Override
    public int compareTo(Position other) {
        return ORDER.compare(this, other);
    }
}
