package dev.segmentation.simulator.journey;

import java.util.SplittableRandom;

/**
 * Independent random streams keyed by numbers. Drawing every decision from a stream keyed by what it is about
 * (a user, a session) rather than from one generator carried along is what lets a restarted task regenerate
 * exactly the events it would have produced.
 */
final class Randoms {

    /** SplittableRandom's default gamma, which {@link #firstLong} must match. */
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private Randoms() {
    }

    static SplittableRandom of(long seed, int task, long stream, long index) {
        return new SplittableRandom(streamSeed(seed, task, stream, index));
    }

    /**
     * The first {@code nextLong()} of {@link #of}, without creating the generator: the same value, for per-event
     * draws where the generator would be the main allocation.
     */
    static long firstLong(long seed, int task, long stream, long index) {
        // SplittableRandom's first value: its seed advanced by its default gamma, then its 64-bit mix.
        long z = streamSeed(seed, task, stream, index) + GOLDEN_GAMMA;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long streamSeed(long seed, int task, long stream, long index) {
        // SplittableRandom mixes its seed thoroughly, so odd-multiplier combinations keep the streams apart.
        return seed * 0x9E3779B97F4A7C15L + task * 0xC2B2AE3D27D4EB4FL + stream * 0x165667B19E3779F9L + index;
    }

    /** An exponentially distributed duration with the given mean, at least one millisecond. */
    static long exponentialMs(SplittableRandom random, double meanMs) {
        return Math.max(1L, Math.round(-meanMs * Math.log(1.0 - random.nextDouble())));
    }
}
