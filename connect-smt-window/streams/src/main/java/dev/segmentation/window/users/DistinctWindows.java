package dev.segmentation.window.users;

import dev.segmentation.window.WindowSpec;

/**
 * Decides in which windows an event is its user's first of a kind, which is all that counting distinct users
 * per window needs. Each user carries one 64-bit word per kind: bit {@code i} says the user already had such an
 * event in window {@code windowBase - i}. Out-of-order events set older bits; an event so old that its windows lie
 * beyond the 64 remembered ones changes nothing, because those windows are closed by then (the configuration
 * keeps size + grace below 63 advances).
 */
final class DistinctWindows {

    private final WindowSpec windows;

    DistinctWindows(WindowSpec windows) {
        this.windows = windows;
    }

    /**
     * Marks the windows of an event at {@code timestampMs} as visited for the user and kind, and returns those that
     * were not visited before: bit {@code i} stands for the window {@code i} advances before the event's latest.
     */
    long firstVisits(UserState user, int metric, long timestampMs) {
        long latest = windows.latestWindow(timestampMs);
        if (user.windowBase == UserState.NONE) {
            user.windowBase = latest;
        } else if (latest > user.windowBase) {
            long shift = latest - user.windowBase;
            for (int m = 0; m < user.seenWindows.length; m++) {
                user.seenWindows[m] = shift >= WindowSpec.HISTORY_WINDOWS ? 0 : user.seenWindows[m] << shift;
            }
            user.windowBase = latest;
        }
        long slots = 0;
        for (long window = windows.earliestWindow(timestampMs); window <= latest; window++) {
            long age = user.windowBase - window;
            if (age >= WindowSpec.HISTORY_WINDOWS) {
                continue;
            }
            long bit = 1L << age;
            if ((user.seenWindows[metric] & bit) == 0) {
                user.seenWindows[metric] |= bit;
                slots |= 1L << (latest - window);
            }
        }
        return slots;
    }
}
