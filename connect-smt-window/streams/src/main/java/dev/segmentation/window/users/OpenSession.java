package dev.segmentation.window.users;

/** A session that has signed in and not yet ended. */
final class OpenSession {
    final String id;
    final long startMs;
    long lastSeenMs;

    OpenSession(String id, long startMs, long lastSeenMs) {
        this.id = id;
        this.startMs = startMs;
        this.lastSeenMs = lastSeenMs;
    }
}
