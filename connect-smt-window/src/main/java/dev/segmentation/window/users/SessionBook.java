package dev.segmentation.window.users;

import java.util.Iterator;

/**
 * Pairs sign-ins with sign-outs by session id, and closes sessions that never sign out.
 *
 * <p>A session ends at its sign-out, or, without one, {@code timeout} after its last event (sign-in, view, cart or
 * check-out of that session). It is counted in the windows of that end time: the end is known exactly when it
 * happens on the event-time clock, so the session reaches its windows before they close. Its duration runs from
 * sign-in to sign-out, or to the last event when it timed out. A sign-out that arrives before its sign-in is kept
 * for one timeout and closes the session as soon as the sign-in comes; one that arrives after its session timed
 * out is not paired.
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

    void signIn(UserState user, String sessionId, long atMs, Ends ends) {
        for (Iterator<EarlySignOut> it = user.earlySignOuts.iterator(); it.hasNext(); ) {
            EarlySignOut early = it.next();
            if (early.sessionId().equals(sessionId)) {
                it.remove();
                ends.ended(early.atMs(), Math.max(0, early.atMs() - atMs));
                return;
            }
        }
        if (find(user, sessionId) == null) {
            user.sessions.add(new OpenSession(sessionId, atMs, atMs));
        }
    }

    void signOut(UserState user, String sessionId, long atMs, Ends ends) {
        OpenSession session = find(user, sessionId);
        if (session != null) {
            user.sessions.remove(session);
            ends.ended(atMs, Math.max(0, atMs - session.startMs));
        } else if (user.earlySignOuts.stream().noneMatch(early -> early.sessionId().equals(sessionId))) {
            user.earlySignOuts.add(new EarlySignOut(sessionId, atMs));
        }
    }

    /** An event inside a session keeps it alive. */
    void touch(UserState user, String sessionId, long atMs) {
        OpenSession session = find(user, sessionId);
        if (session != null && atMs > session.lastSeenMs) {
            session.lastSeenMs = atMs;
        }
    }

    /** Closes the sessions, and forgets the early sign-outs, whose timeout is at or before {@code nowMs}. */
    void expire(UserState user, long nowMs, Ends ends) {
        for (Iterator<OpenSession> it = user.sessions.iterator(); it.hasNext(); ) {
            OpenSession session = it.next();
            if (session.lastSeenMs + timeoutMs <= nowMs) {
                it.remove();
                ends.ended(session.lastSeenMs + timeoutMs, session.lastSeenMs - session.startMs);
            }
        }
        user.earlySignOuts.removeIf(early -> early.atMs() + timeoutMs <= nowMs);
    }

    /** When the next session times out or early sign-out is forgotten, or {@link UserState#NO_DUE}. */
    long nextDeadline(UserState user) {
        long next = UserState.NO_DUE;
        for (OpenSession session : user.sessions) {
            next = Math.min(next, session.lastSeenMs + timeoutMs);
        }
        for (EarlySignOut early : user.earlySignOuts) {
            next = Math.min(next, early.atMs() + timeoutMs);
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
