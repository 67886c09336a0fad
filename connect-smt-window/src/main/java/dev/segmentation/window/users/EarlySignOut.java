package dev.segmentation.window.users;

/** A sign-out that arrived before its sign-in (out of order); the sign-in will close the session at once. */
record EarlySignOut(String sessionId, long atMs) {
}
