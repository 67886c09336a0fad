package dev.segmentation.window.metrics;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.PriorityQueue;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.segmentation.window.KafkaInternals;
import dev.segmentation.window.codec.CompactReader;
import dev.segmentation.window.codec.CompactWriter;

/**
 * Keeps the upstream partitions that feed one window partition in step, in event time, before the windows see
 * their contributions.
 *
 * <p>The windows' stream time is the largest timestamp they have been given. When the application catches up on
 * a backlog, one per-user task can run hours of event time ahead of another, and the slower task's events would
 * then reach windows the faster one has already closed: counted as late, missing from their windows. So this
 * stage tracks, per upstream partition (the contribution's origin), the largest timestamp it has sent here, and
 * passes a contribution on only once every upstream partition has reached its timestamp; the others wait, in a
 * store, and leave in timestamp order as the slowest partition moves on. Upstream tasks send a progress tick to
 * every partition at least once a minute of event time, so a partition that rarely has anything for this one
 * still moves it on. An upstream partition that sends nothing for {@code idleMs} of wall-clock time, counted from
 * the first record this stage saw (an empty input partition, a stopped producer), stops holding the others back
 * until it sends again.
 *
 * <p>Contributions at or behind that common time pass at once: a late event has nothing to wait for. Watermarks pass
 * at once too, after what they let go: the windows hold them until every upstream partition has sent one. Whenever
 * the common time moves, it follows what it let go as a clock tick: every upstream partition has sent everything up
 * to it, so the windows that end there can close. With one upstream partition nothing ever waits.
 *
 * <p>The waiting contributions are in a changelogged store, so a restart loses none; the progress of each
 * upstream partition is only kept in memory, and rebuilds from the next contribution or tick of each.
 *
 * <p>The store is written, never read but at start-up: the contributions also wait in a queue, in release order.
 * Releasing them by range scan cost more than the rest of the application together: Kafka's record cache, which
 * the store then had, answers a range query by copying every cached key in the range first, and the range from the
 * first waiting contribution on holds all of them. Kafka's in-memory store, which the store now is, copies the keys
 * of a range too.
 */
final class OriginAlignment implements FixedKeyProcessor<Bytes, Object, Object> {

    private static final Logger log = LoggerFactory.getLogger(OriginAlignment.class);

    static final String WAITING_STORE = "aligned-waiting";
    private static final long NONE = Long.MIN_VALUE;
    private static final Duration IDLE_CHECK = Duration.ofSeconds(1);

    private final int upstreamPartitions;
    private final long idleMs;

    private static final Bytes CLOCK_KEY = Bytes.wrap(new byte[0]);

    private FixedKeyProcessorContext<Bytes, Object> context;
    private KeyValueStore<Bytes, byte[]> waiting;
    /** Largest timestamp each origin has sent, by origin; grows when origins beyond the expected count appear. */
    private long[] reached;
    /** The origins that hold nothing back, for a log line when one goes idle or comes back. */
    private final BitSet idle = new BitSet();
    /** Wall-clock time each origin last sent anything. */
    private long[] lastHeard;
    /** The contributions the store holds, earliest first. */
    private final PriorityQueue<Waiting> queue = new PriorityQueue<>();
    private long nextSequence;
    /** The common time last passed on as a clock tick. */
    private long clockSent;

    /**
     * @param upstreamPartitions how many upstream partitions feed this stage: the input topics' partition count
     * @param idleMs             how long a silent upstream partition holds the others back
     */
    OriginAlignment(int upstreamPartitions, long idleMs) {
        this.upstreamPartitions = upstreamPartitions;
        this.idleMs = idleMs;
    }

    @Override
    public void init(FixedKeyProcessorContext<Bytes, Object> context) {
        this.context = context;
        this.waiting = context.getStateStore(WAITING_STORE);
        this.reached = new long[upstreamPartitions];
        this.lastHeard = new long[upstreamPartitions];
        Arrays.fill(reached, NONE);
        // Unheard origins count as heard at the first record this instance sees: an application that idles before
        // its producers start must still wait for all of them.
        Arrays.fill(lastHeard, NONE);
        // Kafka re-initialises the same processor when it revives a task whose transaction was aborted, after
        // rolling the store back; what waited in memory before is stale then, and the store says what waits.
        queue.clear();
        idle.clear();
        nextSequence = 0;
        clockSent = NONE;
        try (KeyValueIterator<Bytes, byte[]> it = waiting.all()) {
            while (it.hasNext()) {
                Waiting restored = Waiting.read(it.next());
                queue.add(restored);
                nextSequence = Math.max(nextSequence, restored.sequence + 1);
            }
        }
        context.schedule(IDLE_CHECK, PunctuationType.WALL_CLOCK_TIME, now -> release(common(now)));
    }

    @Override
    public void process(FixedKeyRecord<Bytes, Object> record) {
        Contribution.Kind kind = record.value() instanceof Contribution contribution ? contribution.kind() : null;
        long time = record.timestamp();
        int origin = WindowFeedSerde.originOf(record.value());
        startIdleClocks();
        if (origin >= 0) {
            heardFrom(origin, time);
        }
        long common = common(context.currentSystemTimeMs());
        if (kind == Contribution.Kind.WATERMARK) {
            // A watermark is progress too, and passes at once, after what it lets go. The windows hold it until
            // every upstream partition has sent one, and by then each has reached its own, so whatever the smallest
            // of them closes has left here. Waiting here instead, the watermarks above the smallest would wait for
            // the other partitions to fall silent for the idle time: the last windows of a bounded run would close
            // that long after its last event.
            release(common);
            context.forward(record);
            return;
        }
        if (kind != Contribution.Kind.PROGRESS) {
            if (time <= common && time < firstWaitingTime()) {
                context.forward(record);
            } else {
                wait(record);
            }
        }
        release(common);
    }

    private void startIdleClocks() {
        long now = context.currentSystemTimeMs();
        for (int i = 0; i < lastHeard.length; i++) {
            if (lastHeard[i] == NONE) {
                lastHeard[i] = now;
            }
        }
    }

    private void heardFrom(int origin, long time) {
        if (origin >= reached.length) {
            int size = origin + 1;
            int from = reached.length;
            reached = Arrays.copyOf(reached, size);
            lastHeard = Arrays.copyOf(lastHeard, size);
            Arrays.fill(reached, from, size, NONE);
            Arrays.fill(lastHeard, from, size, context.currentSystemTimeMs());
        }
        reached[origin] = Math.max(reached[origin], time);
        lastHeard[origin] = context.currentSystemTimeMs();
    }

    /**
     * The event time every upstream partition has reached, leaving out those silent for longer than the idle
     * time; with all of them silent, the furthest any has reached, so that nothing waits for ever.
     */
    private long common(long nowMs) {
        long min = Long.MAX_VALUE;
        long max = NONE;
        for (int origin = 0; origin < reached.length; origin++) {
            max = Math.max(max, reached[origin]);
            boolean silent = lastHeard[origin] != NONE && nowMs - lastHeard[origin] > idleMs;
            if (silent != idle.get(origin)) {
                idle.set(origin, silent);
                log.info("Window task {}: input partition {} {}", context.taskId(), origin, silent
                        ? "has sent nothing for " + idleMs + " ms and no longer holds the windows back"
                        : "sends again; what it sends behind the others counts as late");
            }
            if (!silent) {
                min = Math.min(min, reached[origin]);
            }
        }
        return min == Long.MAX_VALUE ? max : min;
    }

    private long firstWaitingTime() {
        return queue.isEmpty() ? Long.MAX_VALUE : queue.peek().time;
    }

    /**
     * Passes on, in timestamp order, every waiting record at or behind the common time, then the common time itself
     * as a clock tick if it moved: the windows up to it can close, since every upstream partition has sent what
     * they hold.
     */
    private void release(long common) {
        while (firstWaitingTime() <= common) {
            Waiting due = queue.poll();
            context.forward(due.record);
            // put(null) deletes without reading the old value back, as delete() would.
            waiting.put(due.storeKey(), null);
        }
        if (common > clockSent) {
            clockSent = common;
            context.forward(KafkaInternals.fixedKeyRecord(CLOCK_KEY, (Object) Contribution.CLOCK, common));
        }
    }

    private void wait(FixedKeyRecord<Bytes, Object> record) {
        Waiting entry = new Waiting(record.timestamp(), nextSequence++, record);
        waiting.put(entry.storeKey(), entry.storeValue());
        queue.add(entry);
    }

    /**
     * A waiting contribution: released by timestamp, then in the order it arrived. In the store its key is that
     * order, and its value the segment key and the contribution.
     */
    private record Waiting(long time, long sequence, FixedKeyRecord<Bytes, Object> record)
            implements Comparable<Waiting> {

        /** Timestamp, then arrival: flipping the sign bit makes the byte order the numeric order. */
        Bytes storeKey() {
            return Bytes.wrap(ByteBuffer.allocate(2 * Long.BYTES).putLong(time ^ Long.MIN_VALUE).putLong(sequence)
                    .array());
        }

        byte[] storeValue() {
            return new CompactWriter(32).writeBytes(record.key().get())
                    .writeBytes(WindowFeedSerde.write(record.value())).toByteArray();
        }

        /** A contribution read back from the store at start-up. */
        static Waiting read(KeyValue<Bytes, byte[]> entry) {
            ByteBuffer key = ByteBuffer.wrap(entry.key.get());
            long time = key.getLong() ^ Long.MIN_VALUE;
            CompactReader in = new CompactReader(entry.value);
            Bytes segment = Bytes.wrap(in.readBytes());
            Object value = WindowFeedSerde.read(in.readBytes());
            // The contribution keeps the key it arrived with, so the partitioning the windows rely on holds; it
            // only leaves later.
            return new Waiting(time, key.getLong(), KafkaInternals.fixedKeyRecord(segment, value, time));
        }

        @Override
        public int compareTo(Waiting other) {
            int order = Long.compare(time, other.time);
            return order != 0 ? order : Long.compare(sequence, other.sequence);
        }
    }
}
