package dev.segmentation.window.users;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.segmentation.events.EventType;
import dev.segmentation.window.Segment;
import dev.segmentation.window.codec.CompactReader;
import dev.segmentation.window.codec.CompactWriter;
import dev.segmentation.window.ingest.UserEvent;

/**
 * Puts one input partition's events back in event-time order before the per-user logic sees them, so that
 * registrations, sessions and funnels do not depend on the order records arrive in.
 *
 * <p>Each of the six topics of the partition has a clock: the largest timestamp among its records so far, events
 * and watermarks alike. An event is <em>late</em> when its own topic's clock is already at or past its time plus
 * the grace period; that is decided from its own topic partition alone, so anyone can recompute it from the log.
 * Every other event waits here for its place. The partition's clock is the smallest of its topics' clocks, and
 * everything up to that clock minus the grace period is released, earliest first (ties: registration, sign-in, view,
 * cart, check-out, sign-out, then arrival). An event that is not late arrives while its own topic's clock is below its
 * time plus grace, hence while the partition's clock is too: nothing at or after its time has been released yet,
 * and it takes its place in the order.
 *
 * <p>A topic that has sent nothing (or nothing for {@code idleMs} of wall-clock time, counted from the first record
 * this task saw) stops holding the partition back, so that an empty topic cannot stall the stage for ever. An event
 * that then arrives behind what was released can no longer take its place and counts as late.
 *
 * <p>The waiting events are in a changelogged store, so a crash loses none and the stage resumes with the same
 * order; the topic clocks are stored too, so that the late decision after a restart is the one made before it. The
 * stores are written once per commit ({@link #write}): most events wait for less than a commit, and never reach them.
 * Those that do go in batches, one store record per {@link #BATCH_EVENTS} events in their order, since a record
 * per event was a changelog send and a store write per event, and a third of the commit. Events leave a batch in its
 * order, as they leave the waiting ones, so a batch only needs to know how many of its first events have gone: a
 * second, small record says so, and the batch is deleted once all have.
 */
final class EventOrder {

    private static final Logger log = LoggerFactory.getLogger(EventOrder.class);

    /** No time yet: the same marker as the user state's, since released points reach it as "now". */
    static final long NONE = UserState.NONE;
    /** The clock store's key of the release point; topic names cannot start with a NUL. */
    private static final String RELEASED_KEY = "\u0000released";
    /**
     * The most events one store record holds: a few hundred bytes each, so a record stays far below the broker's
     * default largest message (1 MiB), however many events a commit leaves waiting.
     */
    static final int BATCH_EVENTS = 1_000;
    /**
     * The key length of a waiting event as builds before the batches stored it, a record per event: its time, rank
     * and arrival. Such records are read back and moved into a batch at the next write, so an upgrade loses none.
     */
    private static final int PER_EVENT_KEY_BYTES = 2 * Long.BYTES + 1;

    private final List<String> topics;
    private final long graceMs;
    private final long idleMs;
    private final KeyValueStore<Bytes, byte[]> waitingStore;
    private final KeyValueStore<Bytes, byte[]> clockStore;

    /**
     * Each topic's place in {@link #topics}, which indexes the arrays below: every event reads all six topics'
     * clocks, and arrays of primitives spare it a dozen hash lookups and the boxing of every update.
     */
    private final Map<String, Integer> topicIndex = new HashMap<>();
    /** Each topic's clock, {@link #NONE} until it has carried a record. */
    private final long[] clocks;
    /** The wall-clock time of each topic's last record, {@link #NONE} until its first. */
    private final long[] lastHeard;
    /** The topics that hold nothing back, for a log line when one goes idle or comes back. */
    private final boolean[] idle;
    private final int partition;
    /** The events waiting for the release point, by topic: each topic's records mostly come in event-time order. */
    private final LaneMerge<Held> waiting;
    private final Runnable changed;
    /**
     * The events held since the last write, released or not: those still waiting then go to the store. A list
     * and two flags per event cost less than a set of the unwritten ones, which every event entered and most left
     * within the commit; the list is as long as the events one commit interval brings.
     */
    private final List<Held> heldSinceWrite = new ArrayList<>();
    /** Batches with events released since the last write. */
    private final List<Batch> releasedFrom = new ArrayList<>();
    /** The keys of per-event records read back at start, deleted at the next write. */
    private final List<Bytes> perEventKeys = new ArrayList<>();
    /** Whether a clock or the release point has moved since the last write. */
    private boolean clocksMoved;
    private long nextSequence;
    private long nextBatch;
    /** Everything at or before this event time has been released. */
    private long released = NONE;
    /** Wall-clock time of the first record this instance saw; until then nothing is idle. */
    private long firstHeard = NONE;

    /**
     * @param partition    the input partition, for the log
     * @param waitingStore the events waiting for release, restored from its changelog after a crash
     * @param clockStore   each topic's clock, and the release point
     * @param changed      told after every change, so that {@link #write} runs before the next commit
     */
    EventOrder(Collection<String> topics, int partition, long graceMs, long idleMs,
               KeyValueStore<Bytes, byte[]> waitingStore, KeyValueStore<Bytes, byte[]> clockStore, Runnable changed) {
        this.topics = List.copyOf(topics);
        for (String topic : this.topics) {
            topicIndex.put(topic, topicIndex.size());
        }
        this.clocks = new long[this.topics.size()];
        this.lastHeard = new long[this.topics.size()];
        this.idle = new boolean[this.topics.size()];
        this.waiting = new LaneMerge<>(this.topics.size(), held -> held.timeMs);
        Arrays.fill(clocks, NONE);
        Arrays.fill(lastHeard, NONE);
        this.partition = partition;
        this.graceMs = graceMs;
        this.idleMs = idleMs;
        this.waitingStore = waitingStore;
        this.clockStore = clockStore;
        this.changed = changed;
        try (KeyValueIterator<Bytes, byte[]> it = clockStore.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> entry = it.next();
                String name = new String(entry.key.get(), StandardCharsets.UTF_8);
                long value = ByteBuffer.wrap(entry.value).getLong();
                if (name.equals(RELEASED_KEY)) {
                    released = value;
                } else if (topicIndex.containsKey(name)) {
                    clocks[topicIndex.get(name)] = value;
                }
            }
        }
        restoreBatches();
    }

    /** Reads the batches back, each without the events that had left it by the last write. */
    private void restoreBatches() {
        Map<Long, byte[]> batches = new HashMap<>();
        Map<Long, Integer> releasedCounts = new HashMap<>();
        try (KeyValueIterator<Bytes, byte[]> it = waitingStore.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> entry = it.next();
                ByteBuffer key = ByteBuffer.wrap(entry.key.get());
                if (entry.key.get().length == PER_EVENT_KEY_BYTES) {
                    restorePerEvent(entry.key, key.getLong() ^ Long.MIN_VALUE, key.get(), key.getLong(), entry.value);
                    continue;
                }
                long id = key.getLong();
                if (key.get() == Batch.EVENTS) {
                    batches.put(id, entry.value);
                } else {
                    releasedCounts.put(id, (int) new CompactReader(entry.value).readUnsigned());
                }
                nextBatch = Math.max(nextBatch, id + 1);
            }
        }
        batches.forEach((id, bytes) -> {
            CompactReader in = new CompactReader(bytes);
            Batch batch = new Batch(id, (int) in.readUnsigned());
            batch.released = releasedCounts.getOrDefault(id, 0);
            batch.releasedWritten = batch.released;
            for (int at = 0; at < batch.size; at++) {
                long timeMs = in.readSigned();
                int rank = in.readByte();
                Held held = readHeld(in, timeMs, rank, in.readUnsigned());
                if (at >= batch.released) {
                    held.batch = batch;
                    waiting.addOutOfLane(held);
                }
                nextSequence = Math.max(nextSequence, held.sequence + 1);
            }
        });
    }

    /** A waiting event as an earlier build stored it: it waits again, unwritten; its record goes at the next write. */
    private void restorePerEvent(Bytes storeKey, long timeMs, int rank, long sequence, byte[] value) {
        Held restored = readHeld(new CompactReader(value), timeMs, rank, sequence);
        waiting.addOutOfLane(restored);
        heldSinceWrite.add(restored);
        perEventKeys.add(storeKey);
        nextSequence = Math.max(nextSequence, sequence + 1);
    }

    /**
     * Whether an event arriving on {@code topic} is late: its topic had already reached its time plus grace, or it
     * is behind what has been released. Call before {@link #heard}, which moves the topic's clock on.
     */
    boolean isLate(String topic, long timestampMs) {
        long clock = clockOf(topic);
        return (clock != NONE && clock - graceMs >= timestampMs) || timestampMs <= released;
    }

    /** The largest timestamp the topic has carried, or {@link #NONE}. */
    long clockOf(String topic) {
        return clocks[index(topic)];
    }

    /** Moves a topic's clock on by one of its records, an event or a watermark. */
    void heard(String topic, long timestampMs, long wallClockMs) {
        if (firstHeard == NONE) {
            firstHeard = wallClockMs;
        }
        int topicAt = index(topic);
        lastHeard[topicAt] = wallClockMs;
        if (timestampMs > clocks[topicAt]) {
            clocks[topicAt] = timestampMs;
            clocksMoved = true;
            changed.run();
        }
    }

    /**
     * Adds an event that came on {@code topic} to the waiting ones. A late one waits too, though its place has
     * passed: its user's segment is known for certain only once the release point has reached its time, when every
     * registration not late up to that time has arrived.
     */
    void hold(String topic, UserEvent event, boolean late) {
        // Without the record's bytes, which would otherwise live as long as the event waits, to be copied by every
        // young collection meanwhile: only a dead-letter record at arrival needs them.
        Held held = new Held(event.timestampMs(), releaseRank(event.type()), nextSequence++, event.withoutValue(),
                late);
        waiting.add(index(topic), held);
        heldSinceWrite.add(held);
        changed.run();
    }

    /**
     * The release point: the smallest clock of the topics still heard from, minus grace; {@link #NONE} while a topic
     * that has not gone idle has never sent.
     */
    long releasePoint(long wallClockMs) {
        long min = Long.MAX_VALUE;
        long max = NONE;
        for (int topicAt = 0; topicAt < clocks.length; topicAt++) {
            long clock = clocks[topicAt];
            max = Math.max(max, clock);
            boolean idleNow = idle(topicAt, wallClockMs);
            if (idleNow != idle[topicAt]) {
                idle[topicAt] = idleNow;
                log.info("Partition {} of topic {} {}", partition, topics.get(topicAt), idleNow
                        ? "has sent nothing for " + idleMs + " ms and no longer holds the others back"
                        : "sends again; what it sends behind the others counts as late");
            }
            if (!idleNow) {
                min = Math.min(min, clock);
            }
        }
        long partitionClock = min == Long.MAX_VALUE ? max : min;
        return partitionClock == NONE ? NONE : Math.max(released, partitionClock - graceMs);
    }

    private boolean idle(int topicAt, long wallClockMs) {
        if (firstHeard == NONE) {
            return false;
        }
        long heard = lastHeard[topicAt] == NONE ? firstHeard : lastHeard[topicAt];
        return wallClockMs - heard > idleMs;
    }

    private int index(String topic) {
        Integer topicAt = topicIndex.get(topic);
        if (topicAt == null) {
            throw new IllegalArgumentException("Topic " + topic + " is not one of the input topics " + topics);
        }
        return topicAt;
    }

    /** Takes, earliest first, the waiting events at or before {@code upToMs}, and records the release point. */
    List<Held> release(long upToMs) {
        List<Held> due = new ArrayList<>();
        while (!waiting.isEmpty() && waiting.peekFirst().timeMs <= upToMs) {
            Held first = waiting.pollFirst();
            first.released = true;
            due.add(first);
            Batch batch = first.batch;
            if (batch != null && batch.released++ == batch.releasedWritten) {
                releasedFrom.add(batch);
            }
        }
        if (upToMs > released) {
            released = upToMs;
            clocksMoved = true;
        }
        if (!due.isEmpty() || clocksMoved) {
            changed.run();
        }
        return due;
    }

    /**
     * Writes what changed since the last write to the stores: the events that arrived and still wait, in batches,
     * how many events have left each batch they left (the batch deleted when none is left), and the clocks.
     */
    void write() {
        List<Held> arrived = new ArrayList<>();
        for (Held held : heldSinceWrite) {
            if (!held.released) {
                arrived.add(held);
            }
        }
        heldSinceWrite.clear();
        // In their order, so that the events that leave a batch are always its first ones.
        arrived.sort(null);
        for (int from = 0; from < arrived.size(); from += BATCH_EVENTS) {
            writeBatch(arrived.subList(from, Math.min(arrived.size(), from + BATCH_EVENTS)));
        }
        for (Batch batch : releasedFrom) {
            // put(null) deletes without reading the old value back, as delete() would.
            if (batch.released == batch.size) {
                waitingStore.put(batch.key(Batch.EVENTS), null);
                if (batch.releasedWritten > 0) {
                    waitingStore.put(batch.key(Batch.RELEASED_COUNT), null);
                }
            } else {
                waitingStore.put(batch.key(Batch.RELEASED_COUNT),
                        new CompactWriter(4).writeUnsigned(batch.released).toByteArray());
            }
            batch.releasedWritten = batch.released;
        }
        releasedFrom.clear();
        perEventKeys.forEach(key -> waitingStore.put(key, null));
        perEventKeys.clear();
        if (clocksMoved) {
            for (int topicAt = 0; topicAt < clocks.length; topicAt++) {
                if (clocks[topicAt] != NONE) {
                    store(topics.get(topicAt), clocks[topicAt]);
                }
            }
            store(RELEASED_KEY, released);
            clocksMoved = false;
        }
    }

    /** Everything at or before this event time has been released; {@link #NONE} before the first release. */
    long released() {
        return released;
    }

    /** The order of event types that share a millisecond, so that a journey's steps apply in journey order. */
    static int releaseRank(EventType type) {
        return switch (type) {
            case USER_REGISTRATION -> 0;
            case SIGN_IN -> 1;
            case ITEM_VIEW -> 2;
            case ADD_TO_CART -> 3;
            case CHECK_OUT -> 4;
            case SIGN_OUT -> 5;
        };
    }

    /** Writes a topic's clock, or the release point, to the clock store. */
    private void store(String name, long timeMs) {
        clockStore.put(Bytes.wrap(name.getBytes(StandardCharsets.UTF_8)),
                ByteBuffer.allocate(Long.BYTES).putLong(timeMs).array());
    }

    private void writeBatch(List<Held> events) {
        Batch batch = new Batch(nextBatch++, events.size());
        CompactWriter out = new CompactWriter(96 * events.size()).writeUnsigned(events.size());
        for (Held event : events) {
            writeHeld(event, out);
            event.batch = batch;
        }
        waitingStore.put(batch.key(Batch.EVENTS), out.toByteArray());
    }

    /** A waiting event's place, then the event: the key's fields first, as the batches have always stored them. */
    private static void writeHeld(Held held, CompactWriter out) {
        out.writeSigned(held.timeMs).writeByte(held.rank).writeUnsigned(held.sequence);
        UserEvent event = held.event;
        out.writeByte(event.type().ordinal()).writeByte(held.late ? 1 : 0)
                .writeBytes(event.userKey().get()).writeBytes(event.eventId().get())
                .writeString(event.sessionId() == null ? "" : event.sessionId())
                .writeSigned(event.totalCents());
        out.writeBytes(event.segment() == null ? new byte[0] : event.segment().toBytes());
        out.writeSigned(event.timestampMs());
    }

    /** The event after its place, which the caller has read. */
    private static Held readHeld(CompactReader in, long timeMs, int rank, long sequence) {
        EventType type = EventType.values()[in.readByte()];
        boolean late = in.readByte() == 1;
        Bytes user = Bytes.wrap(in.readBytes());
        Bytes eventId = Bytes.wrap(in.readBytes());
        String session = in.readString();
        long total = in.readSigned();
        byte[] segment = in.readBytes();
        long time = in.readSigned();
        UserEvent event = new UserEvent(type, time, user, eventId,
                type == EventType.USER_REGISTRATION ? null : session, total,
                segment.length == 0 ? null : Segment.fromBytes(segment), null);
        return new Held(timeMs, rank, sequence, event, late);
    }

    /**
     * An event waiting for the release point, in its place: event time, then type rank, then arrival. One object per
     * waiting event, with its place in primitive fields: tens of thousands wait at a time in a backfill, and each
     * object more was another for every young collection to copy and another cold load to release it.
     */
    static final class Held implements Comparable<Held> {

        private final long timeMs;
        private final int rank;
        private final long sequence;
        private final UserEvent event;
        private final boolean late;
        /** The batch it was written in; {@code null} until a write. */
        private Batch batch;
        /** Whether it has left the waiting ones. */
        private boolean released;

        private Held(long timeMs, int rank, long sequence, UserEvent event, boolean late) {
            this.timeMs = timeMs;
            this.rank = rank;
            this.sequence = sequence;
            this.event = event;
            this.late = late;
        }

        UserEvent event() {
            return event;
        }

        /** Whether it came too late to count but in the late events. */
        boolean late() {
            return late;
        }

        @Override
        public int compareTo(Held other) {
            int order = Long.compare(timeMs, other.timeMs);
            if (order == 0) {
                order = Integer.compare(rank, other.rank);
            }
            return order != 0 ? order : Long.compare(sequence, other.sequence);
        }
    }

    /**
     * The waiting events one write stored together, in their order, under the key {@code id, EVENTS}; the key
     * {@code id, RELEASED_COUNT} holds how many of the first have been released, once some but not all have.
     */
    private static final class Batch {

        static final byte EVENTS = 0;
        static final byte RELEASED_COUNT = 1;

        final long id;
        final int size;
        /** How many of its first events have been released. */
        int released;
        /** {@link #released} as the store has it. */
        int releasedWritten;

        Batch(long id, int size) {
            this.id = id;
            this.size = size;
        }

        Bytes key(byte kind) {
            return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + 1).putLong(id).put(kind).array());
        }
    }
}
