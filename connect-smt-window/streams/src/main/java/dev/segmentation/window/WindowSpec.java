package dev.segmentation.window;

/**
 * Hopping windows as every stage sees them: window {@code j} is {@code [j * advance, j * advance + size)}, so an
 * event at {@code t} falls in the {@link #windowsPerEvent()} windows {@code latestWindow(t) - n + 1 ..
 * latestWindow(t)}: the windows of Kafka's {@code TimeWindows} with the same size and advance, and of the ksqlDB
 * statements' {@code HOPPING} windows. Window {@code j} is also the last window of the pane {@code j}, the span of
 * one advance that starts with it.
 *
 * @param sizeMs    window length, a multiple of the advance
 * @param advanceMs distance between two window starts
 * @param graceMs   how long after its end a window still accepts events
 */
public record WindowSpec(long sizeMs, long advanceMs, long graceMs) {

    /**
     * Windows of history a user's distinct-user bits cover, one bit each in a {@code long}; the configuration keeps
     * size + grace within it.
     */
    public static final int HISTORY_WINDOWS = Long.SIZE;

    /** The same windows without grace. */
    public WindowSpec withoutGrace() {
        return new WindowSpec(sizeMs, advanceMs, 0);
    }

    /** How many windows every event falls in. */
    public int windowsPerEvent() {
        return (int) (sizeMs / advanceMs);
    }

    /** The index of the latest window an event at {@code timestampMs} falls in. */
    public long latestWindow(long timestampMs) {
        return Math.floorDiv(timestampMs, advanceMs);
    }

    /**
     * The index of the earliest window an event at {@code timestampMs} falls in. Kafka creates no window that starts
     * before the epoch, so neither does this.
     */
    public long earliestWindow(long timestampMs) {
        return Math.max(0, latestWindow(timestampMs) - windowsPerEvent() + 1);
    }

    public long start(long window) {
        return window * advanceMs;
    }

    public long end(long window) {
        return window * advanceMs + sizeMs;
    }

    /**
     * Whether a window is closed at the given stream time, as Kafka's windowed aggregation decides it: it accepts a
     * record only while the window's end lies beyond stream time minus grace.
     */
    public boolean isClosed(long window, long streamTimeMs) {
        return end(window) <= streamTimeMs - graceMs;
    }
}
