package dev.segmentation.window.users;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

/**
 * A priority queue for elements that come from a few lanes, each of them mostly in order: the input topics of a
 * partition, whose records mostly come in event-time order. An element that comes after the last one waiting in its
 * lane joins the lane's queue at its end; any other (an event out of order, or one read back at start) goes to a
 * sorted set. The first element is the least of the lanes' heads and the set's first: a handful of comparisons, where
 * a sorted map of every element took a tree's depth of them, and a rebalancing, on every insert and every removal.
 *
 * <p>Each head's leading key (an event's time) is kept in an array beside it, so that finding the first element
 * compares a few numbers instead of reaching into every lane's head, which has gone cold in memory while it waited;
 * only heads with the same leading key are compared in full.
 *
 * @param <T> the elements, all distinct by their natural order
 */
final class LaneMerge<T extends Comparable<T>> {

    private static final int UNKNOWN = -1;

    private final List<ArrayDeque<T>> lanes;
    private final TreeSet<T> others = new TreeSet<>();
    private final ToLongFunction<? super T> leadingKey;
    /** The source of the sorted set in {@link #heads}, after the lanes. */
    private final int othersSource;
    /** Each source's first element (the lanes', then the sorted set's), or null when it is empty. */
    private final Object[] heads;
    /** The leading key of each source's first element. */
    private final long[] headKeys;
    private int size;
    /** Where the first element is, once looked up: a source's index, or {@link #UNKNOWN}. */
    private int firstSource = UNKNOWN;

    /**
     * @param leadingKey the first part of the elements' order: of two elements, the lesser never has the greater
     *                   leading key
     */
    LaneMerge(int laneCount, ToLongFunction<? super T> leadingKey) {
        lanes = new ArrayList<>(laneCount);
        for (int lane = 0; lane < laneCount; lane++) {
            lanes.add(new ArrayDeque<>());
        }
        this.leadingKey = leadingKey;
        this.othersSource = laneCount;
        this.heads = new Object[laneCount + 1];
        this.headKeys = new long[laneCount + 1];
    }

    /** Adds an element that came in the given lane. */
    void add(int lane, T element) {
        ArrayDeque<T> queue = lanes.get(lane);
        T last = queue.peekLast();
        if (last == null) {
            queue.addLast(element);
            setHead(lane, element);
        } else if (last.compareTo(element) < 0) {
            queue.addLast(element);
        } else {
            addToOthers(element);
        }
        size++;
    }

    /** Adds an element outside the lanes, in its place all the same. */
    void addOutOfLane(T element) {
        addToOthers(element);
        size++;
    }

    private void addToOthers(T element) {
        others.add(element);
        T head = head(othersSource);
        if (head == null || element.compareTo(head) < 0) {
            setHead(othersSource, element);
        }
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The least element, or null when empty. */
    T peekFirst() {
        int source = firstSource();
        return source == UNKNOWN ? null : head(source);
    }

    /** Removes and returns the least element, or null when empty. */
    T pollFirst() {
        int source = firstSource();
        if (source == UNKNOWN) {
            return null;
        }
        size--;
        T first;
        if (source == othersSource) {
            first = others.pollFirst();
            setHead(source, others.isEmpty() ? null : others.first());
        } else {
            ArrayDeque<T> queue = lanes.get(source);
            first = queue.pollFirst();
            setHead(source, queue.peekFirst());
        }
        return first;
    }

    private void setHead(int source, T head) {
        heads[source] = head;
        if (head != null) {
            headKeys[source] = leadingKey.applyAsLong(head);
        }
        firstSource = UNKNOWN;
    }

    @SuppressWarnings("unchecked")
    private T head(int source) {
        return (T) heads[source];
    }

    private int firstSource() {
        if (firstSource == UNKNOWN && size > 0) {
            int least = UNKNOWN;
            for (int source = 0; source < heads.length; source++) {
                if (heads[source] != null && (least == UNKNOWN || headKeys[source] < headKeys[least]
                        || headKeys[source] == headKeys[least] && head(source).compareTo(head(least)) < 0)) {
                    least = source;
                }
            }
            firstSource = least;
        }
        return firstSource;
    }
}
