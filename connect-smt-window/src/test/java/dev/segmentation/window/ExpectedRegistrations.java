package dev.segmentation.window;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The registrations metric computed the plain way, over a list of events in arrival order, with none of the
 * topology's code. An event at time t belongs to every window [s, s + size) with s a multiple of the advance and
 * s <= t < s + size, and is counted in such a window only if the window is still open when the event arrives:
 * its end plus the grace period lies beyond the stream time, the largest timestamp seen so far. Every
 * registration also counts in the total over all segments, whose fields are all "all".
 */
final class ExpectedRegistrations {

    /** (age band, language, domain, window start) of one expected row. */
    record RowKey(String ageBand, String language, String domain, long windowStart) {
    }

    private ExpectedRegistrations() {
    }

    static Map<RowKey, Long> compute(List<TestEvents.Registration> eventsInArrivalOrder, long sizeMs, long advanceMs,
                                     long graceMs) {
        Map<RowKey, Long> counts = new HashMap<>();
        long streamTime = Long.MIN_VALUE;
        for (TestEvents.Registration event : eventsInArrivalOrder) {
            streamTime = Math.max(streamTime, event.eventTimeMs());
            long lastStart = event.eventTimeMs() - Math.floorMod(event.eventTimeMs(), advanceMs);
            for (long start = lastStart; start > event.eventTimeMs() - sizeMs; start -= advanceMs) {
                if (start + sizeMs + graceMs > streamTime) {
                    counts.merge(new RowKey(band(event.age()), event.language(), event.domain(), start), 1L, Long::sum);
                    counts.merge(new RowKey("all", "all", "all", start), 1L, Long::sum);
                }
            }
        }
        return counts;
    }

    private static String band(int age) {
        int[][] bands = {{18, 24}, {25, 34}, {35, 44}, {45, 54}, {55, 64}};
        for (int[] band : bands) {
            if (age >= band[0] && age <= band[1]) {
                return band[0] + "-" + band[1];
            }
        }
        return age >= 65 ? "65+" : "under-18";
    }
}
