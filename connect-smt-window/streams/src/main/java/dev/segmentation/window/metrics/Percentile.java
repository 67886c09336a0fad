package dev.segmentation.window.metrics;

import java.util.Arrays;

/** Exact percentiles by the nearest-rank method. */
final class Percentile {

    private Percentile() {
    }

    /**
     * The smallest value such that at least {@code percent} of the values are less than or equal to it; the values
     * need not be sorted and are sorted in place.
     */
    static long nearestRank(long[] values, int count, int percent) {
        if (count == 0) {
            throw new IllegalArgumentException("No values");
        }
        Arrays.sort(values, 0, count);
        // ceil(percent / 100 * count), in integers so that 95% of 20 is exactly 19
        int rank = (int) ((percent * (long) count + 99) / 100);
        return values[Math.max(rank, 1) - 1];
    }
}
