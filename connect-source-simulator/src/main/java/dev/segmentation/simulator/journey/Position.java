package dev.segmentation.simulator.journey;

/**
 * Where an event stands in a task's output order: by sending time, then session, event within the session,
 * and copy (a duplicate is copy 1). The order is total, so "everything up to this position has been sent" is
 * a complete description of progress.
 */
public record Position(long sendTimeMs, long session, int index, int copy) implements Comparable<Position> {

    /** Before every event. */
    public static final Position START = new Position(Long.MIN_VALUE, -1, -1, -1);

    @Override
    public int compareTo(Position other) {
        // Written out rather than a Comparator chain: the merge compares positions several times per event.
        int order = Long.compare(sendTimeMs, other.sendTimeMs);
        if (order == 0) {
            order = Long.compare(session, other.session);
        }
        if (order == 0) {
            order = Integer.compare(index, other.index);
        }
        return order != 0 ? order : Integer.compare(copy, other.copy);
    }
}
