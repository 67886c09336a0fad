package dev.segmentation.window.users;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import dev.segmentation.window.codec.CompactReader;
import dev.segmentation.window.codec.CompactWriter;
import dev.segmentation.window.metrics.Contribution;

/**
 * Everything the application keeps about one user, in one store entry so that an event costs one read and one
 * write: their segment, their activity for the lifecycle, their check-outs for the value segment, their open
 * sessions, the windows they have already been counted in, their recent event ids (to drop duplicates), and what
 * was last written to the user segment topic.
 */
final class UserState {

    /** An absent timestamp. */
    static final long NONE = Long.MIN_VALUE;
    /** No timer due. */
    static final long NO_DUE = Long.MAX_VALUE;
    /** 2: no early sign-outs, since events arrive in event-time order. */
    private static final int FORMAT = 2;

    /** The segment key from the user's registration; null until it arrives. */
    byte[] segmentKey;
    long registeredAt = NONE;
    long lastActivity = NONE;

    /** The latest window of any distinct-user event; bit i of {@code seenWindows[m]} is window {@code windowBase - i}. */
    long windowBase = NONE;
    final long[] seenWindows = new long[Contribution.Kind.DISTINCT_METRICS];

    final List<OpenSession> sessions = new ArrayList<>(1);

    int checkOuts;
    long revenueCents;
    long lastCheckOut = NONE;

    /** What the user segment topic holds for this user: -1 before the first row. */
    int emittedLifecycle = -1;
    int emittedValue = -1;
    int emittedCheckOuts = -1;
    boolean emittedSegmentKnown;

    /** The due time of this user's live timer entry, or {@link #NO_DUE}; see {@link UserTimers}. */
    long indexedDue = NO_DUE;

    /** Whether this state changed since {@link UserStates} last wrote it; held in memory only. */
    boolean unwritten;

    /** Hashes and event times of this user's recent events, for deduplication; see {@link RecentEvents}. */
    long[] recentHashes = new long[0];
    long[] recentTimes = new long[0];
    int recentCount;

    /**
     * Whether the user had registered by event time {@code timeMs}. A registration sets the segment when it arrives,
     * which may be before events of the user that are earlier in event time are applied: those must not see it, or
     * what they produce would depend on arrival order.
     */
    boolean registeredBy(long timeMs) {
        return segmentKey != null && registeredAt <= timeMs;
    }

    /** The serde of the user state store. */
    static Serde<UserState> serde() {
        return new Serde<>() {
            @Override
            public Serializer<UserState> serializer() {
                return (topic, state) -> state == null ? null : state.write();
            }

            @Override
            public Deserializer<UserState> deserializer() {
                return (topic, bytes) -> bytes == null ? null : read(bytes);
            }
        };
    }

    byte[] write() {
        // Room for the fixed part, the sessions and the remembered ids, so the buffer is not grown while writing.
        CompactWriter out = new CompactWriter(96 + 24 * sessions.size() + 16 * recentCount).writeByte(FORMAT);
        out.writeBytes(segmentKey == null ? new byte[0] : segmentKey);
        writeTime(out, registeredAt);
        writeTime(out, lastActivity);
        out.writeSigned(windowBase);
        if (windowBase != NONE) {
            for (long seen : seenWindows) {
                out.writeUnsigned(seen);
            }
        }
        out.writeUnsigned(sessions.size());
        for (OpenSession session : sessions) {
            out.writeString(session.id).writeSigned(session.startMs).writeSigned(session.lastSeenMs - session.startMs);
        }
        out.writeSigned(checkOuts).writeSigned(revenueCents);
        writeTime(out, lastCheckOut);
        out.writeSigned(emittedLifecycle).writeSigned(emittedValue).writeSigned(emittedCheckOuts)
                .writeByte(emittedSegmentKnown ? 1 : 0);
        writeTime(out, indexedDue);
        out.writeUnsigned(recentCount);
        for (int i = 0; i < recentCount; i++) {
            out.writeFixedLong(recentHashes[i]);
            writeTime(out, recentTimes[i]);
        }
        return out.toByteArray();
    }

    /** Event times are never negative, so the two markers take the two smallest codes and a time its own plus two. */
    private static void writeTime(CompactWriter out, long time) {
        out.writeUnsigned(time == NONE ? 0 : time == NO_DUE ? 1 : time + 2);
    }

    private static long readTime(CompactReader in) {
        long code = in.readUnsigned();
        return code == 0 ? NONE : code == 1 ? NO_DUE : code - 2;
    }

    static UserState read(byte[] bytes) {
        CompactReader in = new CompactReader(bytes);
        int format = in.readByte();
        if (format != FORMAT) {
            throw new SerializationException("Unknown user state format " + format);
        }
        UserState state = new UserState();
        byte[] segment = in.readBytes();
        state.segmentKey = segment.length == 0 ? null : segment;
        state.registeredAt = readTime(in);
        state.lastActivity = readTime(in);
        state.windowBase = in.readSigned();
        if (state.windowBase != NONE) {
            for (int metric = 0; metric < state.seenWindows.length; metric++) {
                state.seenWindows[metric] = in.readUnsigned();
            }
        }
        for (long n = in.readUnsigned(); n > 0; n--) {
            String id = in.readString();
            long start = in.readSigned();
            state.sessions.add(new OpenSession(id, start, start + in.readSigned()));
        }
        state.checkOuts = in.readInt();
        state.revenueCents = in.readSigned();
        state.lastCheckOut = readTime(in);
        state.emittedLifecycle = in.readInt();
        state.emittedValue = in.readInt();
        state.emittedCheckOuts = in.readInt();
        state.emittedSegmentKnown = in.readByte() == 1;
        state.indexedDue = readTime(in);
        state.recentCount = Math.toIntExact(in.readUnsigned());
        // A state is read to take one more event: leave room for its id.
        state.recentHashes = new long[state.recentCount + 1];
        state.recentTimes = new long[state.recentCount + 1];
        for (int i = 0; i < state.recentCount; i++) {
            state.recentHashes[i] = in.readFixedLong();
            state.recentTimes[i] = readTime(in);
        }
        RecentEvents.restoreOrder(state);
        return state;
    }
}
