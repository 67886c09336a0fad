package dev.segmentation.simulator.journey;

/**
 * A session about to be planned: its number, start time, and how many users registered in earlier sessions.
 * These three numbers are all the simulator needs to regenerate every session from this one on.
 */
public record SessionCursor(long index, long startMs, long usersBefore) {
}
