package dev.segmentation.window;

import java.time.Duration;

import org.apache.kafka.streams.kstream.TimeWindows;

/**
 * Hopping windows as every stage sees them: window {@code j} is {@code [j * advance, j * advance + size)}, so an
 * event at {@code t} falls in the {@link #windowsPerEvent()} windows {@code latestWindow(t) - n + 1 ..
 * latestWindow(t)}. Kafka's {@link TimeWindows} with the same size and advance has the same windows; the stages
 * that must agree with it (late detection, distinct-user bookkeeping) use this arithmetic instead of allocating
 * Kafka's window maps per record.
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

    /** Kafka's windows with the same size, advance and grace. */
    public TimeWindows timeWindows() {
        return TimeWindows.ofSizeAndGrace(Duration.ofMillis(sizeMs), Duration.ofMillis(graceMs))
                .advanceBy(Duration.ofMillis(advanceMs));
    }

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

    /** The index of the window starting at {@code startMs}. */
    public long indexOfStart(long startMs) {
        return Math.floorDiv(startMs, advanceMs);
    }

    /**
     * Whether a window is closed at the given stream time, exactly as Kafka's windowed aggregation decides it: it
     * accepts a record only while the window's end lies beyond stream time minus grace.
     */
    public boolean isClosed(long window, long streamTimeMs) {
        return end(window) <= streamTimeMs - graceMs;
    }

    /**
     * The number of ring slots a windowed aggregate keeps per distinct-user metric. A record in window {@code j}
     * marks windows between {@code j - n + 1} and {@code j + n - 1}, so {@code 2n - 1} slots tell them apart.
     */
    public int ringSize() {
        return 2 * windowsPerEvent() - 1;
    }

    /** The ring slot of a window. */
    public int ringSlot(long window) {
        return (int) Math.floorMod(window, (long) ringSize());
    }
}
