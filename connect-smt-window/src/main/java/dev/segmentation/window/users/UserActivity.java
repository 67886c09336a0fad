package dev.segmentation.window.users;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import dev.segmentation.window.Segment;
import dev.segmentation.window.WindowSpec;
import dev.segmentation.window.ingest.Ingested;
import dev.segmentation.window.ingest.UserEvent;
import dev.segmentation.window.ingest.Watermark;
import dev.segmentation.window.windows.Contribution;

/**
 * The per-user stage. Input topics are co-partitioned by user id, so a user's events of every type meet in one
 * task and their state needs no repartitioning: the segment from their registration, their sessions, the windows
 * they were already counted in, their activity and check-outs.
 *
 * <p>Duplicates are dropped here, by the event ids each user's state remembers ({@link RecentEvents}). Out of each
 * other event comes a {@link Contribution}, sent twice, keyed by the user's segment and by {@link Segment#ALL}; out
 * of sessions that end, another; and, when a user's segments change, a {@link UserSegmentUpdate}. Users whose
 * registration has not been seen count under {@link Segment#UNKNOWN}.
 *
 * <p>An event that adds nothing to any window (a user's second view in a window, a sign-out) is sent to the windows
 * only if it could be late there, that is once the first of its windows has ended on this partition's clock: the
 * windows' stream time is the largest timestamp sent to them, which is never ahead of this partition's, so an
 * event whose first window is still running here cannot have missed it there. Skipping the others halves the
 * records sent between the stages. Late counts stay exact as long as no upstream partition runs more than the grace
 * period ahead of another, beyond which windows lose events anyway.
 *
 * <p>Event time is the task's stream time. Before and after each record, the timers due by then fire in due
 * order, so that sessions which time out reach their windows before a record that moves time on (such as a
 * watermark) can close those windows.
 */
public final class UserActivity implements Processor<Bytes, Ingested, Bytes, Object> {

    public static final String STATE_STORE = "user-state";
    public static final String TIMER_STORE = "user-timers";
    public static final String WATERMARK_STORE = "upstream-watermarks";

    private static final Bytes ALL = Bytes.wrap(Segment.ALL.toBytes());
    private static final Bytes UNKNOWN = Bytes.wrap(Segment.UNKNOWN.toBytes());
    private static final Bytes WATERMARK = Bytes.wrap(Segment.WATERMARK.toBytes());
    /**
     * Event time between two progress ticks: the window stage holds a contribution back until every upstream
     * partition has got as far, so a partition that has nothing for a window partition for a while must still say
     * where it stands there.
     */
    static final long PROGRESS_TICK_MS = 60_000L;

    private final Collection<String> inputTopics;
    private final WindowSpec windows;
    private final RecentEvents recentEvents;
    private final DistinctWindows distinct;
    private final SessionBook sessions;
    private final UserSegmentRules rules;
    private final UserSegmentRows rows;
    /** Sessions ended while handling one record, sent after the record's own contribution. */
    private final List<long[]> endedSessions = new ArrayList<>(2);

    private ProcessorContext<Bytes, Object> context;
    private KeyValueStore<Bytes, UserState> users;
    private UserTimers timers;
    private UpstreamWatermarks watermarks;
    private int origin;
    /** The largest event time this task has handled, watermarks aside; only its progress ticks use it. */
    private long latestEventMs = Long.MIN_VALUE;
    /** The tick interval, counted from the epoch, of the last progress tick; none yet after a start. */
    private long lastTick = Long.MIN_VALUE;

    UserActivity(Collection<String> inputTopics, WindowSpec windows, long sessionTimeoutMs, long dedupHorizonMs,
                 UserSegmentRules rules) {
        this.inputTopics = inputTopics;
        this.windows = windows;
        this.recentEvents = new RecentEvents(dedupHorizonMs);
        this.distinct = new DistinctWindows(windows);
        this.sessions = new SessionBook(sessionTimeoutMs);
        this.rules = rules;
        this.rows = new UserSegmentRows(rules);
    }

    /**
     * The processor with its three stores.
     *
     * @param dedupHorizonMs how long event ids are remembered, in event time
     */
    public static ProcessorSupplier<Bytes, Ingested, Bytes, Object> supplier(Collection<String> inputTopics,
                                                                           WindowSpec windows, long sessionTimeoutMs,
                                                                           long dedupHorizonMs, UserSegmentRules rules) {
        Set<StoreBuilder<?>> stores = Set.of(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STATE_STORE), Serdes.Bytes(),
                        UserState.serde()).withCachingEnabled(),
                // Not cached: the timers are read by range, and Kafka's cache copies the keys of every range it
                // serves, while a RocksDB iterator seeks straight to the first one.
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TIMER_STORE), Serdes.Bytes(),
                        Serdes.ByteArray()).withCachingDisabled(),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WATERMARK_STORE), Serdes.Bytes(),
                        Serdes.ByteArray()));
        return new ProcessorSupplier<>() {
            @Override
            public Processor<Bytes, Ingested, Bytes, Object> get() {
                return new UserActivity(inputTopics, windows, sessionTimeoutMs, dedupHorizonMs, rules);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return stores;
            }
        };
    }

    @Override
    public void init(ProcessorContext<Bytes, Object> context) {
        this.context = context;
        this.users = context.getStateStore(STATE_STORE);
        this.timers = new UserTimers(context.getStateStore(TIMER_STORE));
        this.watermarks = new UpstreamWatermarks(context.getStateStore(WATERMARK_STORE), inputTopics);
        // Input topics are co-partitioned, so the task's partition names the upstream partition.
        this.origin = context.taskId().partition();
    }

    @Override
    public void process(Record<Bytes, Ingested> record) {
        long now = context.currentStreamTimeMs();
        fireTimers(now);
        if (record.value() instanceof UserEvent event) {
            handle(event, now);
            fireTimers(now);
            tickProgress(event.timestampMs());
        } else if (record.value() instanceof Watermark watermark) {
            long partitionWatermark = watermarks.advance(watermark.topic(), record.timestamp());
            if (partitionWatermark != UserState.NONE) {
                context.forward(new Record<>(WATERMARK, Contribution.watermark(origin), partitionWatermark));
            }
        }
    }

    /**
     * Tells every window partition how far this task has got, once per tick interval of event time. Event times
     * rather than stream time: a watermark read from one input topic moves the task's stream time hours on while
     * the other topics may still hold events from before it.
     */
    private void tickProgress(long eventMs) {
        latestEventMs = Math.max(latestEventMs, eventMs);
        long tick = Math.floorDiv(latestEventMs, PROGRESS_TICK_MS);
        if (tick > lastTick) {
            lastTick = tick;
            context.forward(new Record<>(WATERMARK, Contribution.progress(origin), latestEventMs));
        }
    }

    private void handle(UserEvent event, long now) {
        Bytes userKey = event.userKey();
        UserState user = users.get(userKey);
        if (user == null) {
            user = new UserState();
        }
        long time = event.timestampMs();
        if (recentEvents.isDuplicate(user, event.eventId(), time, now)) {
            return;
        }
        user.lastActivity = Math.max(user.lastActivity, time);
        Contribution.Kind kind = kindOf(event);
        long firstVisits = kind.distinctMetric() < 0 ? 0 : distinct.firstVisits(user, kind.distinctMetric(), time);
        long amount = 0;
        switch (event.type()) {
            case USER_REGISTRATION -> {
                if (user.segmentKey == null) {
                    user.segmentKey = event.segment().toBytes();
                    user.registeredAt = time;
                }
            }
            case SIGN_IN -> sessions.signIn(user, event.sessionId(), time, this::sessionEnded);
            case SIGN_OUT -> sessions.signOut(user, event.sessionId(), time, this::sessionEnded);
            case ITEM_VIEW, ADD_TO_CART -> sessions.touch(user, event.sessionId(), time);
            case CHECK_OUT -> {
                sessions.touch(user, event.sessionId(), time);
                user.checkOuts++;
                user.revenueCents += event.totalCents();
                user.lastCheckOut = Math.max(user.lastCheckOut, time);
                amount = event.totalCents();
            }
        }
        Bytes segment = segmentOf(user);
        boolean addsToWindows = kind == Contribution.Kind.REGISTRATION || kind == Contribution.Kind.CHECK_OUT
                || firstVisits != 0;
        if (addsToWindows || windows.end(windows.earliestWindow(time)) <= now) {
            contribute(segment, new Contribution(kind, origin, firstVisits, amount), time);
        }
        settle(userKey, user, segment, now, null);
    }

    /**
     * Fires every timer due by {@code now}, earliest first. Handling one may arm another that is also due (a
     * lazy entry fired before the user's real deadline); it joins the queue in its place.
     */
    private void fireTimers(long now) {
        if (!timers.anyDue(now)) {
            return;
        }
        TreeSet<Bytes> due = timers.due(now);
        while (!due.isEmpty()) {
            Bytes entry = due.pollFirst();
            timers.delete(entry);
            long dueMs = UserTimers.dueOf(entry);
            Bytes userKey = UserTimers.userOf(entry);
            UserState user = users.get(userKey);
            if (user == null || user.indexedDue != dueMs) {
                continue;
            }
            user.indexedDue = UserState.NO_DUE;
            sessions.expire(user, dueMs, this::sessionEnded);
            settle(userKey, user, segmentOf(user), now, due);
        }
        timers.firedUntil(now);
    }

    /**
     * What follows every change to a user, by an event or a timer: their ended sessions reach the windows, their
     * segment row is sent if it changed, their timer is re-armed, and their state is stored.
     */
    private void settle(Bytes userKey, UserState user, Bytes segment, long now, TreeSet<Bytes> dueNow) {
        for (long[] ended : endedSessions) {
            contribute(segment, new Contribution(Contribution.Kind.SESSION_END, origin, 0, ended[1]), ended[0]);
        }
        endedSessions.clear();
        emitRowIfChanged(userKey, user, now);
        rearm(userKey, user, now, dueNow);
        users.put(userKey, user);
    }

    /** Arms the user's timer for their next deadline, unless the live entry already fires no later. */
    private void rearm(Bytes userKey, UserState user, long now, TreeSet<Bytes> dueNow) {
        long next = Math.min(sessions.nextDeadline(user), rules.nextChange(user, now));
        if (next < user.indexedDue) {
            Bytes entry = timers.schedule(next, userKey);
            user.indexedDue = next;
            if (dueNow != null && next <= now) {
                dueNow.add(entry);
            }
        }
    }

    private void sessionEnded(long endMs, long durationMs) {
        endedSessions.add(new long[] {endMs, durationMs});
    }

    private void contribute(Bytes segment, Contribution contribution, long timestampMs) {
        context.forward(new Record<>(segment, contribution, timestampMs));
        context.forward(new Record<>(ALL, contribution, timestampMs));
    }

    private void emitRowIfChanged(Bytes userKey, UserState user, long now) {
        UserSegmentUpdate update = rows.changed(userKey, user, now);
        if (update != null) {
            context.forward(new Record<>(userKey, update, now));
        }
    }

    private static Bytes segmentOf(UserState user) {
        return user.segmentKey == null ? UNKNOWN : Bytes.wrap(user.segmentKey);
    }

    private static Contribution.Kind kindOf(UserEvent event) {
        return switch (event.type()) {
            case USER_REGISTRATION -> Contribution.Kind.REGISTRATION;
            case SIGN_IN -> Contribution.Kind.SIGN_IN;
            case SIGN_OUT -> Contribution.Kind.SIGN_OUT;
            case ITEM_VIEW -> Contribution.Kind.ITEM_VIEW;
            case ADD_TO_CART -> Contribution.Kind.ADD_TO_CART;
            case CHECK_OUT -> Contribution.Kind.CHECK_OUT;
        };
    }
}
