package dev.segmentation.window.metrics;

import java.util.Arrays;

import org.apache.kafka.common.errors.SerializationException;

import dev.segmentation.window.codec.CompactReader;
import dev.segmentation.window.codec.CompactWriter;

/**
 * What one segment collected in one pane of event time: the span of one window advance, {@code [pane * advance,
 * (pane + 1) * advance)}, which lies in the windows {@code pane - n + 1 .. pane} (n windows per event). A per-user
 * task folds its contributions into one partial per segment and pane, and sends it once its release point has
 * passed the pane; the window stage merges the partials of every upstream task, and sums a window from its n panes.
 *
 * <p>Every number stays exact. Counts and sums add up. Distinct users add up too, because a user lives in one
 * per-user task, which marks the windows where the user is new ({@link Contribution#firstVisits()}); a partial
 * counts those marks per window of its pane. Session durations are kept one by one, for the exact 95th percentile.
 */
public final class Partial {

    private static final int FORMAT = 1;

    private final long pane;
    private final int windowsPerPane;
    private int origin;
    /** Input events that reached this partial: what counts as late if it arrives after its windows closed. */
    long events;
    long registrations;
    long sessions;
    long sessionDurationMs;
    long orders;
    long revenueCents;
    /** New users per distinct metric and window: index {@code metric * n + age}, the window being pane - age. */
    final long[] firstVisits;
    long[] durations = new long[4];

    /**
     * @param origin         the input partition it comes from, or -1 once merged from several
     * @param windowsPerPane how many windows every event falls in
     */
    public Partial(long pane, int origin, int windowsPerPane) {
        this.pane = pane;
        this.origin = origin;
        this.windowsPerPane = windowsPerPane;
        this.firstVisits = new long[Contribution.Kind.DISTINCT_METRICS * windowsPerPane];
    }

    public long pane() {
        return pane;
    }

    public int origin() {
        return origin;
    }

    /** Sessions that ended in the pane. */
    public long sessions() {
        return sessions;
    }

    /** Folds in one contribution of this pane. */
    public void add(Contribution contribution) {
        Contribution.Kind kind = contribution.kind();
        if (kind.isInputEvent()) {
            events++;
        }
        switch (kind) {
            case REGISTRATION -> registrations++;
            case CHECK_OUT -> {
                orders++;
                revenueCents += contribution.amount();
            }
            case SESSION_END -> addSession(contribution.amount());
            default -> {
            }
        }
        int metric = kind.distinctMetric();
        if (metric >= 0) {
            for (long rest = contribution.firstVisits(); rest != 0; rest &= rest - 1) {
                int age = Long.numberOfTrailingZeros(rest);
                firstVisits[metric * windowsPerPane + age]++;
            }
        }
    }

    /** The duration of the session added {@code index}-th, counting from 0. */
    public long duration(int index) {
        return durations[index];
    }

    /** Adds an ended session, or one restored from a store. */
    public void addSession(long durationMs) {
        if (sessions == durations.length) {
            durations = Arrays.copyOf(durations, durations.length * 2);
        }
        durations[(int) sessions++] = durationMs;
        sessionDurationMs += durationMs;
    }

    /** Adds another task's partial of the same segment and pane. */
    void merge(Partial other) {
        events += other.events;
        registrations += other.registrations;
        orders += other.orders;
        revenueCents += other.revenueCents;
        for (int i = 0; i < firstVisits.length; i++) {
            firstVisits[i] += other.firstVisits[i];
        }
        for (int i = 0; i < other.sessions; i++) {
            addSession(other.durations[i]);
        }
        origin = -1;
    }

    /** New users of a distinct metric in the given window, which must be one of this pane's. */
    long firstVisits(int metric, long window) {
        return firstVisits[metric * windowsPerPane + (int) (pane - window)];
    }

    /** The counters alone, without the durations, which the per-user task stores one by one. */
    public byte[] writeCounters() {
        return countersTo(new CompactWriter(32)).toByteArray();
    }

    /** Restores the counters written by {@link #writeCounters}; the durations are added one by one. */
    public static Partial readCounters(byte[] bytes, long pane, int origin, int windowsPerPane) {
        Partial partial = new Partial(pane, origin, windowsPerPane);
        partial.countersFrom(new CompactReader(bytes));
        return partial;
    }

    /** The whole partial, durations included: its form in the window stage's store. */
    byte[] write() {
        return writeTo(new CompactWriter(sizeHint())).toByteArray();
    }

    /** Room for the encoding, so a writer need not grow: the counters and a few bytes per duration. */
    int sizeHint() {
        return 64 + 3 * (int) sessions;
    }

    /** Appends the whole partial, as {@link #write()} has it, to what the writer holds. */
    CompactWriter writeTo(CompactWriter out) {
        countersTo(out.writeSigned(pane).writeSigned(origin).writeUnsigned(windowsPerPane));
        for (int i = 0; i < sessions; i++) {
            out.writeUnsigned(durations[i]);
        }
        return out;
    }

    static Partial read(byte[] bytes) {
        return read(new CompactReader(bytes));
    }

    static Partial read(CompactReader in) {
        long pane = in.readSigned();
        int origin = (int) in.readSigned();
        int windowsPerPane = (int) in.readUnsigned();
        Partial partial = new Partial(pane, origin, windowsPerPane);
        long sessions = partial.countersFrom(in);
        for (long i = 0; i < sessions; i++) {
            partial.addSession(in.readUnsigned());
        }
        return partial;
    }

    private CompactWriter countersTo(CompactWriter out) {
        out.writeByte(FORMAT).writeUnsigned(events).writeUnsigned(registrations).writeUnsigned(sessions)
                .writeUnsigned(orders).writeSigned(revenueCents);
        // Sparse: most users are new in no window of a metric, or in all of them.
        for (int metric = 0; metric < Contribution.Kind.DISTINCT_METRICS; metric++) {
            long present = 0;
            for (int age = 0; age < windowsPerPane; age++) {
                if (firstVisits[metric * windowsPerPane + age] != 0) {
                    present |= 1L << age;
                }
            }
            out.writeUnsigned(present);
            for (long rest = present; rest != 0; rest &= rest - 1) {
                out.writeUnsigned(firstVisits[metric * windowsPerPane + Long.numberOfTrailingZeros(rest)]);
            }
        }
        return out;
    }

    /** Reads the counters; the session count is returned, not set, since sessions are added with their duration. */
    private long countersFrom(CompactReader in) {
        int format = in.readByte();
        if (format != FORMAT) {
            throw new SerializationException("Unknown partial aggregate format " + format);
        }
        events = in.readUnsigned();
        registrations = in.readUnsigned();
        long sessionCount = in.readUnsigned();
        orders = in.readUnsigned();
        revenueCents = in.readSigned();
        for (int metric = 0; metric < Contribution.Kind.DISTINCT_METRICS; metric++) {
            long present = in.readUnsigned();
            for (long rest = present; rest != 0; rest &= rest - 1) {
                firstVisits[metric * windowsPerPane + Long.numberOfTrailingZeros(rest)] = in.readUnsigned();
            }
        }
        return sessionCount;
    }
}
