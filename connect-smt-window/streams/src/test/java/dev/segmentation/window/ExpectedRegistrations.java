package dev.segmentation.window;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The registrations metric computed the plain way, over a list of registrations in arrival order on one topic
 * partition, with none of the topology's code. A registration is late when a registration at least the grace period
 * newer arrived before it; every other one counts in every window [s, s + size) with s a multiple of the advance and
 * s <= t < s + size, under its segment and under the total over all segments, whose fields are all "all".
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
        long topicClock = Long.MIN_VALUE;
        for (TestEvents.Registration event : eventsInArrivalOrder) {
            boolean late = topicClock != Long.MIN_VALUE && topicClock - graceMs >= event.eventTimeMs();
            topicClock = Math.max(topicClock, event.eventTimeMs());
            if (late) {
                continue;
            }
            long lastStart = event.eventTimeMs() - Math.floorMod(event.eventTimeMs(), advanceMs);
            for (long start = lastStart; start > event.eventTimeMs() - sizeMs; start -= advanceMs) {
                counts.merge(new RowKey(band(event.age()), event.language(), event.domain(), start), 1L, Long::sum);
                counts.merge(new RowKey("all", "all", "all", start), 1L, Long::sum);
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
