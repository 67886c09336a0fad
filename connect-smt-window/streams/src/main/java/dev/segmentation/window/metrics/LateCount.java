package dev.segmentation.window.metrics;

/**
 * The running count of what reached a window of a segment after it had closed.
 *
 * @param windowStartMs the window
 * @param lateEvents    input events of the window that arrived after it closed
 * @param lateSessions  sessions ending in the window that arrived after it closed
 */
public record LateCount(long windowStartMs, long lateEvents, long lateSessions) {
}
