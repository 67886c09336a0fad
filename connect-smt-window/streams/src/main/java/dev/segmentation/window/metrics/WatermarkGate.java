package dev.segmentation.window.metrics;

import java.util.HashMap;
import java.util.Map;

/**
 * Holds back watermarks until every upstream partition has sent one.
 *
 * <p>Each upstream (per-user) task sends its watermark to every partition here as soon as its own input is done,
 * while other upstream tasks may still be sending events from before it. Passing the first watermark on would
 * close windows those events belong to. So this gate expects every upstream partition, and any other origin it
 * hears from, by event or by watermark, and releases the smallest watermark among them once all have sent one. An
 * upstream partition that has not been heard from yet holds it back too: when the stage catches up on a finished
 * run, one per-user task can send its watermark before another has sent anything, and the alignment before this
 * gate holds that other task's events back while the watermark passes.
 */
final class WatermarkGate {

    /** Known origins and their watermark, {@link #NONE} until they send one. */
    private final Map<Integer, Long> watermarks = new HashMap<>();
    private long released = NONE;

    static final long NONE = Long.MIN_VALUE;

    /** @param upstreamPartitions the origins to expect from the start: 0 to this count minus one */
    WatermarkGate(int upstreamPartitions) {
        for (int origin = 0; origin < upstreamPartitions; origin++) {
            watermarks.put(origin, NONE);
        }
    }

    /** Registers an origin; returns true the first time, so the caller can persist it. */
    boolean noteOrigin(int origin) {
        return watermarks.putIfAbsent(origin, NONE) == null;
    }

    /**
     * Records an origin's watermark.
     *
     * @return the watermark every known origin has reached, if that moved forward; otherwise {@link #NONE}
     */
    long onWatermark(int origin, long watermarkMs) {
        watermarks.merge(origin, watermarkMs, Math::max);
        long min = Long.MAX_VALUE;
        for (long watermark : watermarks.values()) {
            min = Math.min(min, watermark);
        }
        if (min == NONE || min <= released) {
            return NONE;
        }
        released = min;
        return min;
    }

    /**
     * Restores an origin's state after a restart. What was released before is not restored: it may be released
     * again, which moves no clock that has already passed it.
     */
    void restore(int origin, long watermarkMs) {
        watermarks.put(origin, watermarkMs);
    }

    long watermarkOf(int origin) {
        return watermarks.getOrDefault(origin, NONE);
    }
}
