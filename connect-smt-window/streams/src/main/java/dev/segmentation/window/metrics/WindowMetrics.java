package dev.segmentation.window.metrics;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import dev.segmentation.window.codec.CompactReader;
import dev.segmentation.window.codec.CompactWriter;

/**
 * The aggregate of one segment in one window: every metric at once, so that each contribution costs one
 * read-modify-write of one small value.
 *
 * <p>Distinct users are counters per ring slot ({@link Contribution#firstVisits()}); the emitter reads the slot
 * of the window being emitted and ignores the others. Session durations are kept outside, one entry per session
 * in {@link SessionDurations}, so the exact 95th percentile does not make this value grow with every session.
 */
public final class WindowMetrics {

    private static final int FORMAT = 1;

    long registrations;
    long sessions;
    long sessionDurationMs;
    long orders;
    long revenueCents;
    /** Per distinct metric, per ring slot; null until the metric has a count. */
    final long[][] firstVisitsBySlot = new long[Contribution.Kind.DISTINCT_METRICS][];
    private final int ringSize;

    WindowMetrics(int ringSize) {
        this.ringSize = ringSize;
    }

    /** Adds one contribution; watermarks and clock ticks add nothing. */
    WindowMetrics add(Contribution contribution) {
        switch (contribution.kind()) {
            case REGISTRATION -> registrations++;
            case SESSION_END -> {
                sessions++;
                sessionDurationMs += contribution.amount();
            }
            case CHECK_OUT -> {
                orders++;
                revenueCents += contribution.amount();
            }
            default -> {
            }
        }
        int metric = contribution.kind().distinctMetric();
        long slots = contribution.firstVisits();
        if (metric >= 0 && slots != 0) {
            long[] counts = firstVisitsBySlot[metric];
            if (counts == null) {
                counts = new long[ringSize];
                firstVisitsBySlot[metric] = counts;
            }
            for (long rest = slots; rest != 0; rest &= rest - 1) {
                counts[Long.numberOfTrailingZeros(rest)]++;
            }
        }
        return this;
    }

    /** Distinct users of a metric in the window whose ring slot is given. */
    long distinct(int metric, int slot) {
        long[] counts = firstVisitsBySlot[metric];
        return counts == null ? 0 : counts[slot];
    }

    /** The serde of the aggregate store; the ring size comes from the window settings. */
    static Serde<WindowMetrics> serde(int ringSize) {
        return new Serde<>() {
            @Override
            public Serializer<WindowMetrics> serializer() {
                return (topic, metrics) -> metrics == null ? null : metrics.write();
            }

            @Override
            public Deserializer<WindowMetrics> deserializer() {
                return (topic, bytes) -> bytes == null ? null : read(bytes, ringSize);
            }
        };
    }

    private byte[] write() {
        CompactWriter out = new CompactWriter(32).writeByte(FORMAT)
                .writeUnsigned(registrations).writeUnsigned(sessions).writeUnsigned(sessionDurationMs)
                .writeUnsigned(orders).writeSigned(revenueCents);
        for (long[] counts : firstVisitsBySlot) {
            if (counts == null) {
                out.writeUnsigned(0);
                continue;
            }
            // Sparse: a presence mask of the slots, then their counts.
            long present = 0;
            for (int slot = 0; slot < counts.length; slot++) {
                if (counts[slot] != 0) {
                    present |= 1L << slot;
                }
            }
            out.writeUnsigned(present);
            for (long count : counts) {
                if (count != 0) {
                    out.writeUnsigned(count);
                }
            }
        }
        return out.toByteArray();
    }

    private static WindowMetrics read(byte[] bytes, int ringSize) {
        CompactReader in = new CompactReader(bytes);
        int format = in.readByte();
        if (format != FORMAT) {
            throw new SerializationException("Unknown window metrics format " + format);
        }
        WindowMetrics metrics = new WindowMetrics(ringSize);
        metrics.registrations = in.readUnsigned();
        metrics.sessions = in.readUnsigned();
        metrics.sessionDurationMs = in.readUnsigned();
        metrics.orders = in.readUnsigned();
        metrics.revenueCents = in.readSigned();
        for (int metric = 0; metric < Contribution.Kind.DISTINCT_METRICS; metric++) {
            long present = in.readUnsigned();
            if (present == 0) {
                continue;
            }
            long[] counts = new long[ringSize];
            for (long rest = present; rest != 0; rest &= rest - 1) {
                counts[Long.numberOfTrailingZeros(rest)] = in.readUnsigned();
            }
            metrics.firstVisitsBySlot[metric] = counts;
        }
        return metrics;
    }
}
