package dev.segmentation.window.users;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import dev.segmentation.events.EventType;
import dev.segmentation.window.Segment;
import dev.segmentation.window.StoreChangelogs;
import dev.segmentation.window.WindowSpec;
import dev.segmentation.window.ingest.DeadLetterHeaders;
import dev.segmentation.window.ingest.ExpiredEventException;
import dev.segmentation.window.ingest.Ingested;
import dev.segmentation.window.ingest.Rejected;
import dev.segmentation.window.ingest.UserEvent;
import dev.segmentation.window.ingest.Watermark;
import dev.segmentation.window.metrics.Contribution;

/**
 * The per-user stage. Input topics are co-partitioned by user id, so a user's events of every type meet in one
 * task and their state needs no repartitioning: the segment from their registration, their sessions, the windows
 * they were already counted in, their activity and check-outs.
 *
 * <p>Each event is first checked on arrival: one more than the deduplication horizon behind its topic partition
 * goes to the dead-letter topic, as a {@link Rejected} record; a registration that is not late sets the user's
 * segment at once, from its event time on. Then every event waits in {@link EventOrder} until the partition's clock
 * minus grace has passed it, and is applied earliest first, so the per-user logic sees each user's journey in
 * event-time order whatever order it arrived in; a duplicate (an event id the user already had) is dropped then. A
 * late one ({@link EventOrder}) counts only in the late events of its windows, once its user's segment at its time
 * is certain. Each applied event that adds to a window, and each session that ends, is a {@link Contribution},
 * folded into two partial aggregates of its pane ({@link OpenPanes}): its user's segment's and {@link Segment#ALL}'s.
 * A partial is sent to the windows once the release point has passed its pane, and a late event by itself. When a
 * user's segments change, a {@link UserSegmentUpdate} is sent. Events before a user's registration (or of users
 * whose registration never came in time) count under {@link Segment#UNKNOWN}.
 *
 * <p>The task's clock is the release point: the event time of what is being applied, or the timer due. Timers due
 * at or before an event fire before it, each at its own due time, so that sessions which time out reach their
 * windows in order, and a user segment row's {@code as_of} is the event time of its change.
 */
public final class UserActivity implements Processor<Bytes, Ingested, Bytes, Object> {

    public static final String STATE_STORE = "user-state";
    public static final String TIMER_STORE = "user-timers";
    public static final String ORDER_STORE = "user-events-waiting";
    public static final String CLOCK_STORE = "user-topic-clocks";
    public static final String PANE_STORE = "user-window-panes";

    private static final Bytes ALL = Bytes.wrap(Segment.ALL.toBytes());
    private static final Bytes UNKNOWN = Bytes.wrap(Segment.UNKNOWN.toBytes());
    private static final Bytes WATERMARK = Bytes.wrap(Segment.WATERMARK.toBytes());
    private static final Duration IDLE_CHECK = Duration.ofSeconds(1);
    /**
     * Event time between two progress ticks: the window stage holds a contribution back until every upstream
     * partition has got as far, so a partition that has nothing for a window partition for a while must still say
     * where it stands there.
     */
    static final long PROGRESS_TICK_MS = 60_000L;

    private final Collection<String> inputTopics;
    private final WindowSpec windows;
    private final long idleMs;
    private final long dedupHorizonMs;
    private final RecentEvents recentEvents;
    private final DistinctWindows distinct;
    private final SessionBook sessions;
    private final UserSegmentRules rules;
    private final UserSegmentRows rows;
    /** Sessions ended while handling one event or timer, sent after the event's own contribution. */
    private final List<long[]> endedSessions = new ArrayList<>(2);

    private ProcessorContext<Bytes, Object> context;
    private UserStates users;
    private UserTimers timers;
    private EventOrder order;
    private OpenPanes panes;
    private int origin;
    /** The release point last sent as a watermark. */
    private long watermarkSent = EventOrder.NONE;
    /** The tick interval, counted from the epoch, of the last progress tick; none yet after a start. */
    private long lastTick = Long.MIN_VALUE;

    UserActivity(Collection<String> inputTopics, WindowSpec windows, long sessionTimeoutMs, long dedupHorizonMs,
                 long idleMs, UserSegmentRules rules) {
        this.inputTopics = inputTopics;
        this.windows = windows;
        this.idleMs = idleMs;
        this.dedupHorizonMs = dedupHorizonMs;
        this.recentEvents = new RecentEvents(dedupHorizonMs);
        this.distinct = new DistinctWindows(windows);
        this.sessions = new SessionBook(sessionTimeoutMs);
        this.rules = rules;
        this.rows = new UserSegmentRows(rules);
    }

    /**
     * The processor with its stores. None has Kafka's record cache but the write-behind marker's: the state that
     * changes with every event is held as objects and written once per commit ({@link WriteBehind}).
     *
     * @param windows        the windows, whose grace is how long an event may wait for its place in the order
     * @param dedupHorizonMs how long event ids are remembered, in event time
     * @param idleMs         how long a silent input topic holds its partition back, in wall-clock time
     */
    public static ProcessorSupplier<Bytes, Ingested, Bytes, Object> supplier(Collection<String> inputTopics,
                                                                           WindowSpec windows, long sessionTimeoutMs,
                                                                           long dedupHorizonMs, long idleMs,
                                                                           UserSegmentRules rules) {
        Set<StoreBuilder<?>> stores = Set.of(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STATE_STORE), Serdes.Bytes(),
                        UserState.serde()).withCachingDisabled(),
                // Not cached: the timers are held in memory, written once per commit and read ahead by range
                // (UserTimers), and Kafka's cache copies the keys of every range it serves.
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TIMER_STORE), Serdes.Bytes(),
                        Serdes.ByteArray()).withCachingDisabled(),
                // In memory: it holds the grace period's events and is read back only at start-up, from its
                // changelog.
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ORDER_STORE), Serdes.Bytes(),
                        Serdes.ByteArray()).withCachingDisabled().withLoggingEnabled(StoreChangelogs.RESTORED_IN_FULL),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CLOCK_STORE), Serdes.Bytes(),
                        Serdes.ByteArray()).withCachingDisabled(),
                // In memory, as the waiting events: a few dozen partials, read back only at start-up.
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PANE_STORE), Serdes.Bytes(),
                        Serdes.ByteArray()).withCachingDisabled().withLoggingEnabled(StoreChangelogs.RESTORED_IN_FULL),
                WriteBehind.storeBuilder());
        return new ProcessorSupplier<>() {
            @Override
            public Processor<Bytes, Ingested, Bytes, Object> get() {
                return new UserActivity(inputTopics, windows, sessionTimeoutMs, dedupHorizonMs, idleMs, rules);
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
        // Built anew at every start, as what is held in memory: a task revived after a failure reads the stores.
        WriteBehind writeBehind = new WriteBehind(context.getStateStore(WriteBehind.STORE), this::writeHeldState);
        this.users = new UserStates(context.getStateStore(STATE_STORE), writeBehind::changed);
        this.timers = new UserTimers(context.getStateStore(TIMER_STORE), writeBehind::changed);
        // Input topics are co-partitioned, so the task's partition names the upstream partition.
        this.origin = context.taskId().partition();
        this.order = new EventOrder(inputTopics, origin, windows.graceMs(), idleMs,
                context.getStateStore(ORDER_STORE), context.getStateStore(CLOCK_STORE), writeBehind::changed);
        this.panes = new OpenPanes(windows, origin, context.getStateStore(PANE_STORE), writeBehind::changed);
        this.watermarkSent = EventOrder.NONE;
        this.lastTick = Long.MIN_VALUE;
        // A topic that falls silent stops holding the others back after the idle time, with or without a record.
        context.schedule(IDLE_CHECK, PunctuationType.WALL_CLOCK_TIME, now -> release(false));
    }

    /** Writes what changed in memory since the last commit to the stores: run before every commit. */
    private void writeHeldState() {
        users.write();
        timers.write();
        order.write();
        panes.write();
    }

    @Override
    public void process(Record<Bytes, Ingested> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElseThrow();
        long wallClock = context.currentSystemTimeMs();
        if (record.value() instanceof UserEvent event) {
            arrive(record, event, topic, wallClock);
            release(false);
        } else if (record.value() instanceof Watermark) {
            order.heard(topic, record.timestamp(), wallClock);
            release(true);
        }
    }

    /**
     * Sends an event beyond the deduplication horizon to the dead-letter topic, sets the segment from a registration
     * that is not late, and holds the rest. Duplicates are dropped when released: a duplicate repeats its event's
     * time and type, so it waits right behind the first copy and is released after it. Until then only a
     * registration needs the user's state, which saves a read and a write of it per event.
     */
    private void arrive(Record<Bytes, Ingested> record, UserEvent event, String topic, long wallClock) {
        long time = event.timestampMs();
        long clock = order.clockOf(topic);
        if (clock != EventOrder.NONE && time < clock - dedupHorizonMs) {
            expire(record, event, clock);
            return;
        }
        boolean late = order.isLate(topic, time);
        order.heard(topic, time, wallClock);
        if (!late && event.type() == EventType.USER_REGISTRATION) {
            // On arrival, not on release: the first registration to arrive gives the segment, and a duplicate of
            // it gives the same one.
            Bytes userKey = event.userKey();
            UserState user = userOrNew(userKey);
            if (user.segmentKey == null) {
                user.segmentKey = event.segment().toBytes();
                user.registeredAt = time;
                users.put(userKey, user);
            }
        }
        order.hold(topic, event, late);
    }

    private UserState userOrNew(Bytes userKey) {
        UserState user = users.get(userKey);
        return user == null ? new UserState() : user;
    }

    /**
     * Whether the released event repeats one the user already had; if not, it is remembered, and the caller writes
     * the state back. Ids are forgotten behind the release point minus the horizon, which lies behind every topic's
     * clock minus the horizon: an event that has not expired finds its duplicate remembered.
     */
    private boolean isDuplicate(UserState user, UserEvent event) {
        return recentEvents.isDuplicate(user, event.eventId(), event.timestampMs(), order.released());
    }

    private void expire(Record<Bytes, Ingested> record, UserEvent event, long clock) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        Rejected rejected = new Rejected(Rejected.Reason.EXPIRED, ExpiredEventException.class.getName(),
                "Event time " + event.timestampMs() + " is more than " + dedupHorizonMs + " ms behind "
                        + source.topic() + "-" + source.partition() + ", which has reached " + clock
                        + ", beyond the deduplication horizon", event.value());
        context.forward(new Record<Bytes, Object>(record.key(), rejected, record.timestamp(),
                DeadLetterHeaders.of(record.headers(), rejected, source)));
    }

    /**
     * Applies, in event-time order, every waiting event the release point has passed, with the timers due among them,
     * and tells the windows how far this partition has got.
     */
    private void release(boolean watermark) {
        long point = order.releasePoint(context.currentSystemTimeMs());
        if (point == EventOrder.NONE) {
            return;
        }
        for (EventOrder.Held held : order.release(point)) {
            // Timers first, for late events too: what this task sends must be in event-time order, or the windows
            // would take a late event's time as this partition's progress and close before a session due earlier.
            fireTimers(held.event().timestampMs());
            if (held.late()) {
                countLate(held.event());
            } else {
                apply(held.event());
            }
        }
        fireTimers(point);
        // Before anything that says this task has got as far: the windows take that as the promise that every
        // partial up to it has been sent.
        sendPanesThrough(point);
        if (watermark && point > watermarkSent) {
            watermarkSent = point;
            context.forward(new Record<>(WATERMARK, Contribution.watermark(origin), point));
        }
        tickProgress(point);
    }

    /** Tells every window partition how far this task has got, once per tick interval of event time. */
    private void tickProgress(long point) {
        long tick = Math.floorDiv(point, PROGRESS_TICK_MS);
        if (tick > lastTick) {
            lastTick = tick;
            context.forward(new Record<>(WATERMARK, Contribution.progress(origin), point));
        }
    }

    /**
     * A late event counts in its windows' late events and nowhere else: a registration under the segment it names,
     * another event under its user's segment at its time, which every registration not late has set by now.
     */
    private void countLate(UserEvent event) {
        Bytes userKey = event.userKey();
        UserState user = userOrNew(userKey);
        if (isDuplicate(user, event)) {
            return;
        }
        users.put(userKey, user);
        long time = event.timestampMs();
        Bytes segment = event.type() == EventType.USER_REGISTRATION
                ? Bytes.wrap(event.segment().toBytes()) : segmentAt(user, time);
        contribute(segment, new Contribution(Contribution.Kind.LATE, origin, 0, 0), time);
    }

    private void apply(UserEvent event) {
        Bytes userKey = event.userKey();
        UserState user = userOrNew(userKey);
        if (isDuplicate(user, event)) {
            return;
        }
        long time = event.timestampMs();
        user.lastActivity = Math.max(user.lastActivity, time);
        Contribution.Kind kind = kindOf(event);
        long firstVisits = kind.distinctMetric() < 0 ? 0 : distinct.firstVisits(user, kind.distinctMetric(), time);
        long amount = 0;
        switch (event.type()) {
            case USER_REGISTRATION -> {
                // The segment was set when the registration arrived.
            }
            case SIGN_IN -> sessions.signIn(user, event.sessionId(), time);
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
        Bytes segment = segmentAt(user, time);
        if (kind == Contribution.Kind.REGISTRATION || kind == Contribution.Kind.CHECK_OUT || firstVisits != 0) {
            contribute(segment, new Contribution(kind, origin, firstVisits, amount), time);
        }
        settle(userKey, user, segment, time);
    }

    /**
     * Fires every timer due by {@code now}, earliest first, each at its own due time. Handling one may arm another
     * that is also due (a lazy entry fired before the user's real deadline); it fires in its place.
     */
    private void fireTimers(long now) {
        if (timers.anyDue(now)) {
            timers.fireDue(now, this::timerFired);
        }
    }

    private void timerFired(long dueMs, Bytes userKey) {
        UserState user = users.get(userKey);
        if (user == null || user.indexedDue != dueMs) {
            return;
        }
        user.indexedDue = UserState.NO_DUE;
        sessions.expire(user, dueMs, this::sessionEnded);
        recentEvents.forget(user, dueMs);
        settle(userKey, user, segmentAt(user, dueMs), dueMs);
    }

    /**
     * What follows every change to a user, by an event or a timer: their ended sessions reach the windows, their
     * segment row is sent if it changed, their timer is re-armed, and their state is stored.
     */
    private void settle(Bytes userKey, UserState user, Bytes segment, long now) {
        for (long[] ended : endedSessions) {
            contribute(segment, new Contribution(Contribution.Kind.SESSION_END, origin, 0, ended[1]), ended[0]);
        }
        endedSessions.clear();
        emitRowIfChanged(userKey, user, now);
        rearm(userKey, user, now);
        users.put(userKey, user);
    }

    /**
     * Arms the user's timer for their next deadline, unless the live entry already fires no later: a session's end,
     * a change of segment with time alone, or the time their remembered event ids can all be forgotten.
     */
    private void rearm(Bytes userKey, UserState user, long now) {
        long next = Math.min(Math.min(sessions.nextDeadline(user), rules.nextChange(user, now)),
                recentEvents.forgetAllAt(user));
        if (next < user.indexedDue) {
            timers.schedule(next, userKey);
            user.indexedDue = next;
        }
    }

    private void sessionEnded(long endMs, long durationMs) {
        endedSessions.add(new long[] {endMs, durationMs});
    }

    /**
     * A late event goes to the windows at once, by itself: its panes may have been sent already. Everything else
     * joins its segment's partial and the total's.
     */
    private void contribute(Bytes segment, Contribution contribution, long timestampMs) {
        if (contribution.kind() == Contribution.Kind.LATE) {
            // Its time says how far this task has got, as everything it sends does: the panes before it go first.
            sendPanesThrough(timestampMs - 1);
            context.forward(new Record<>(segment, contribution, timestampMs));
            context.forward(new Record<>(ALL, contribution, timestampMs));
        } else {
            panes.add(segment, contribution, timestampMs);
            panes.add(ALL, contribution, timestampMs);
        }
    }

    /** Sends the partials of every pane that ends at or before the given time: nothing applied later falls there. */
    private void sendPanesThrough(long releasedMs) {
        panes.closeThrough(releasedMs, (segment, partial) ->
                context.forward(new Record<>(segment, partial, panes.lastMillisecond(partial.pane()))));
    }

    private void emitRowIfChanged(Bytes userKey, UserState user, long now) {
        UserSegmentUpdate update = rows.changed(userKey, user, now);
        if (update != null) {
            context.forward(new Record<>(userKey, update, now));
        }
    }

    /** The user's segment for an event at the given time: their registration's, from its event time on. */
    private static Bytes segmentAt(UserState user, long timeMs) {
        return user.registeredBy(timeMs) ? Bytes.wrap(user.segmentKey) : UNKNOWN;
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
