package dev.segmentation.window.users;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A priority queue for elements that come from a few lanes, each of them mostly in order: the input topics of a
 * partition, whose records mostly come in event-time order. An element that comes after the last one waiting in its
 * lane joins the lane's queue at its end; any other (an event out of order, or one read back at start) goes to a
 * sorted set. The first element is the least of the lanes' heads and the set's first: a handful of comparisons, where
 * a sorted map of every element took a tree's depth of them, and a rebalancing, on every insert and every removal.
 *
 * @param <T> the elements, all distinct by their natural order
 */
final class LaneMerge<T extends Comparable<T>> {

    private static final int OTHERS = -1;
    private static final int UNKNOWN = -2;

    private final List<ArrayDeque<T>> lanes;
    private final TreeSet<T> others = new TreeSet<>();
    private int size;
    /** Where the first element is, once looked up: a lane's index, {@link #OTHERS}, or {@link #UNKNOWN}. */
    private int firstSource = UNKNOWN;

    LaneMerge(int laneCount) {
        lanes = new ArrayList<>(laneCount);
        for (int lane = 0; lane < laneCount; lane++) {
            lanes.add(new ArrayDeque<>());
        }
    }

    /** Adds an element that came in the given lane. */
    void add(int lane, T element) {
        ArrayDeque<T> queue = lanes.get(lane);
        T last = queue.peekLast();
        if (last == null || last.compareTo(element) < 0) {
            queue.addLast(element);
        } else {
            others.add(element);
        }
        size++;
        firstSource = UNKNOWN;
    }

    /** Adds an element outside the lanes, in its place all the same. */
    void addOutOfLane(T element) {
        others.add(element);
        size++;
        firstSource = UNKNOWN;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The least element, or null when empty. */
    T peekFirst() {
        int source = firstSource();
        return source == OTHERS ? others.first() : source == UNKNOWN ? null : lanes.get(source).peekFirst();
    }

    /** Removes and returns the least element, or null when empty. */
    T pollFirst() {
        int source = firstSource();
        if (source == UNKNOWN) {
            return null;
        }
        size--;
        firstSource = UNKNOWN;
        return source == OTHERS ? others.pollFirst() : lanes.get(source).pollFirst();
    }

    private int firstSource() {
        if (firstSource == UNKNOWN && size > 0) {
            T least = others.isEmpty() ? null : others.first();
            firstSource = least == null ? UNKNOWN : OTHERS;
            for (int lane = 0; lane < lanes.size(); lane++) {
                T head = lanes.get(lane).peekFirst();
                if (head != null && (least == null || head.compareTo(least) < 0)) {
                    least = head;
                    firstSource = lane;
                }
            }
        }
        return firstSource;
    }
}
