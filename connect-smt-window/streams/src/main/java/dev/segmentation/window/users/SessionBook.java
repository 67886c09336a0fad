package dev.segmentation.window.users;

import java.util.Iterator;

/**
 * Pairs sign-ins with sign-outs by session id, and closes sessions that never sign out. Events reach it in event-time
 * order ({@link EventOrder}), so a session's sign-in always comes before the rest of it.
 *
 * <p>A session opens at its sign-in and ends at its sign-out, or, without one, {@code timeout} after its last event
 * (sign-in, view, cart or check-out of that session) if no event of the session comes before then. It is counted in
 * the windows of that end time; its duration runs from sign-in to sign-out, or to the last event when it timed out.
 * A sign-out, view, cart or check-out whose session is not open (its sign-in was late, or the session had already
 * timed out) belongs to no session.
 */
final class SessionBook {

    /** Receives each session that ends. */
    interface Ends {
        void ended(long endMs, long durationMs);
    }

    private final long timeoutMs;

    SessionBook(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    void signIn(UserState user, String sessionId, long atMs) {
        if (find(user, sessionId) == null) {
            user.sessions.add(new OpenSession(sessionId, atMs, atMs));
        }
    }

    void signOut(UserState user, String sessionId, long atMs, Ends ends) {
        OpenSession session = find(user, sessionId);
        if (session != null) {
            user.sessions.remove(session);
            ends.ended(atMs, atMs - session.startMs);
        }
    }

    /** An event inside a session keeps it alive. */
    void touch(UserState user, String sessionId, long atMs) {
        OpenSession session = find(user, sessionId);
        if (session != null && atMs > session.lastSeenMs) {
            session.lastSeenMs = atMs;
        }
    }

    /** Closes the sessions whose timeout is at or before {@code nowMs}. */
    void expire(UserState user, long nowMs, Ends ends) {
        for (Iterator<OpenSession> it = user.sessions.iterator(); it.hasNext(); ) {
            OpenSession session = it.next();
            if (session.lastSeenMs + timeoutMs <= nowMs) {
                it.remove();
                ends.ended(session.lastSeenMs + timeoutMs, session.lastSeenMs - session.startMs);
            }
        }
    }

    /** When the next session times out, or {@link UserState#NO_DUE}. */
    long nextDeadline(UserState user) {
        long next = UserState.NO_DUE;
        for (OpenSession session : user.sessions) {
            next = Math.min(next, session.lastSeenMs + timeoutMs);
        }
        return next;
    }

    private static OpenSession find(UserState user, String sessionId) {
        for (OpenSession session : user.sessions) {
            if (session.id.equals(sessionId)) {
                return session;
            }
        }
        return null;
    }
}
