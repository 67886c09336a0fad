package dev.segmentation.window;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.segmentation.window.TestEvents.Event;

/**
 * Every output of the application computed the plain way, over the list of input records in arrival order, with
 * none of the application's code: sets of users instead of bit masks, lists of durations instead of a store, a
 * sorted list of waiting events, a loop over open sessions instead of timers. It follows the definitions of
 * docs/streams.md, for one input partition:
 *
 * <ul>
 * <li>Each topic's clock is the largest timestamp of its records so far, events and watermarks, rejected ones
 *     aside.</li>
 * <li>A record is rejected (dead letter) if it cannot be decoded, is invalid (null value without watermark header,
 *     empty user id, schema version below 1, key other than the user id), or is more than the deduplication
 *     horizon behind its topic's clock.</li>
 * <li>An event is late if its topic's clock, before it, is at or past its time plus grace. The first arrival of
 *     an event id counts; later ones are dropped.</li>
 * <li>A late event counts only in the late events of each window containing its time, under its user's segment at
 *     that time (a late registration under its own), and under "all".</li>
 * <li>A registration that is not late gives its user their segment when it arrives, from its event time on.</li>
 * <li>Every other event waits until every topic's clock, minus grace, has reached it, then applies in event-time
 *     order (ties: registration, sign-in, view, cart, check-out, sign-out, then arrival). Sessions whose last event
 *     plus the timeout has been reached close first, at that time.</li>
 * <li>A session opens at its sign-in; views, carts and check-outs of an open session move its last event; its
 *     sign-out closes it. Session events without an open session belong to none.</li>
 * <li>A user counts in a window's distinct counts at their first event of that kind in that window, under the
 *     segment they had then: their registration's from its time on, otherwise "unknown".</li>
 * <li>A window has its final rows once every topic's clock minus grace has reached its end.</li>
 * </ul>
 */
final class ExpectedMetrics {

    static final String[] ALL = {"all", "all", "all"};
    static final String[] UNKNOWN = {"unknown", "unknown", "unknown"};
    private static final List<String> RELEASE_ORDER = List.of(TestEvents.REGISTRATION, TestEvents.SIGN_IN,
            TestEvents.ITEM_VIEW, TestEvents.ADD_TO_CART, TestEvents.CHECK_OUT, TestEvents.SIGN_OUT);

    /** The settings the expectations depend on. */
    record Settings(long sizeMs, long advanceMs, long graceMs, long sessionTimeoutMs, long dedupHorizonMs,
                    long newMs, long atRiskMs, long dormantMs, long recencyMs, int highOrders, long highRevenueCents) {
    }

    /** (segment, window start) of one windowed row. */
    record WindowKey(String ageBand, String language, String domain, long windowStart) {
        static WindowKey of(String[] segment, long windowStart) {
            return new WindowKey(segment[0], segment[1], segment[2], windowStart);
        }
    }

    record Sessions(long count, double averageMs, long p95Ms) {
    }

    record Funnel(long viewers, long cartAdders, long buyers) {
    }

    record Revenue(long revenueCents, long orders) {
    }

    record Late(long events, long sessions) {
    }

    /** (topic, offset, reason) of one dead letter. */
    record DeadLetter(String topic, long offset, String reason) {
    }

    record UserRow(String ageBand, String language, String domain, String lifecycle, String value,
                   Long registeredAt, int checkOuts, long revenueCents, Long lastCheckOutAt) {
    }

    // Results
    final Map<WindowKey, Long> registrations = new HashMap<>();
    final Map<WindowKey, Long> activeUsers = new HashMap<>();
    final Map<WindowKey, Sessions> sessions = new HashMap<>();
    final Map<WindowKey, Funnel> funnel = new HashMap<>();
    final Map<WindowKey, Revenue> revenue = new HashMap<>();
    final Map<WindowKey, Late> late = new HashMap<>();
    final List<DeadLetter> deadLetters = new ArrayList<>();
    final Map<String, UserRow> users = new TreeMap<>();
    /** How often each imperfection actually happened, so tests can show the data exercised it. */
    final Map<String, Integer> happenings = new TreeMap<>();

    private final Settings settings;
    private final Map<String, Integer> nextOffset = new HashMap<>();
    private final Set<String> seenEventIds = new HashSet<>();
    private final Map<String, User> userStates = new HashMap<>();
    private final Map<String, Long> topicClocks = new HashMap<>();
    /** Events waiting for their place: (time, rank, arrival) and the event. */
    private final TreeMap<long[], Event> waiting = new TreeMap<>((a, b) -> {
        for (int i = 0; i < a.length; i++) {
            int order = Long.compare(a[i], b[i]);
            if (order != 0) {
                return order;
            }
        }
        return 0;
    });
    /** Latest event time each user has had, by arrival, to tell when one arrives out of its user's order. */
    private final Map<String, Long> latestArrived = new HashMap<>();
    private final Set<String> signedIn = new HashSet<>();
    private long arrivals;
    private long released = Long.MIN_VALUE;

    // Window state: what was counted
    private final Map<WindowKey, Long> registrationCounts = new HashMap<>();
    private final Map<String, Map<WindowKey, Set<String>>> distinctUsers = new HashMap<>();
    private final Set<String> firstVisits = new HashSet<>();
    private final Map<WindowKey, List<Long>> durations = new HashMap<>();
    private final Map<WindowKey, long[]> checkOuts = new HashMap<>();
    private final Map<WindowKey, long[]> lateCounts = new HashMap<>();
    private final List<Event> lateEvents = new ArrayList<>();

    private static final class User {
        String[] segment;
        Long registeredAt;
        boolean applied;
        long lastActivity = Long.MIN_VALUE;
        final Map<String, long[]> openSessions = new LinkedHashMap<>();
        int checkOuts;
        long revenueCents;
        Long lastCheckOut;

        String[] segmentAt(long timeMs) {
            return segment == null || registeredAt > timeMs ? UNKNOWN : segment;
        }
    }

    private ExpectedMetrics(Settings settings) {
        this.settings = settings;
    }

    static ExpectedMetrics compute(List<Arrival> arrivals, Settings settings) {
        ExpectedMetrics expected = new ExpectedMetrics(settings);
        arrivals.forEach(expected::arrive);
        expected.finish();
        return expected;
    }

    private void arrive(Arrival arrival) {
        long offset = nextOffset.merge(arrival.topic(), 1, Integer::sum) - 1;
        switch (arrival.kind()) {
            case GARBAGE, UNKNOWN_SCHEMA -> reject(arrival, offset, "undecodable");
            case NULL_VALUE -> reject(arrival, offset, "invalid");
            case WATERMARK -> topicClocks.merge(arrival.topic(), arrival.timestampMs(), Math::max);
            case EVENT -> {
                Event event = arrival.event();
                if (event.userId().isEmpty() || event.schemaVersion() < 1 || !event.userId().equals(arrival.key())) {
                    reject(arrival, offset, "invalid");
                } else if (topicClocks.containsKey(event.topic())
                        && event.timeMs() < topicClocks.get(event.topic()) - settings.dedupHorizonMs()) {
                    reject(arrival, offset, "expired");
                } else {
                    Long clock = topicClocks.get(event.topic());
                    boolean late = (clock != null && clock - settings.graceMs() >= event.timeMs())
                            || event.timeMs() <= released;
                    topicClocks.merge(event.topic(), event.timeMs(), Math::max);
                    if (!seenEventIds.add(event.eventId())) {
                        happened("duplicate dropped");
                    } else {
                        if (arrival.evolved()) {
                            happened("evolved schema read");
                        }
                        admit(event, late);
                    }
                }
            }
        }
        release();
    }

    private void reject(Arrival arrival, long offset, String reason) {
        deadLetters.add(new DeadLetter(arrival.topic(), offset, reason));
        happened("dead letter " + reason);
    }

    private void admit(Event event, boolean late) {
        User user = userStates.computeIfAbsent(event.userId(), id -> new User());
        long time = event.timeMs();
        if (late) {
            happened("late event");
            lateEvents.add(event);
            return;
        }
        if (latestArrived.getOrDefault(event.userId(), Long.MIN_VALUE) > time) {
            happened(event.topic().equals(TestEvents.REGISTRATION) ? "registration after its user's later events"
                    : "event before an earlier one of its user");
        }
        latestArrived.merge(event.userId(), time, Math::max);
        if (event.sessionId() != null && !event.topic().equals(TestEvents.SIGN_IN)
                && !signedIn.contains(event.userId() + "/" + event.sessionId())) {
            happened("session event before its sign-in");
        }
        if (event.topic().equals(TestEvents.SIGN_IN)) {
            signedIn.add(event.userId() + "/" + event.sessionId());
        }
        if (event.topic().equals(TestEvents.REGISTRATION) && user.segment == null) {
            user.segment = segmentOf(event);
            user.registeredAt = time;
        }
        waiting.put(new long[] {time, RELEASE_ORDER.indexOf(event.topic()), arrivals++}, event);
    }

    /** Applies the waiting events that every topic's clock minus grace has passed, in order. */
    private void release() {
        if (!topicClocks.keySet().containsAll(TestEvents.TOPICS)) {
            return;
        }
        long point = Collections.min(topicClocks.values()) - settings.graceMs();
        if (point < released) {
            return;
        }
        while (!waiting.isEmpty() && waiting.firstKey()[0] <= point) {
            Event event = waiting.pollFirstEntry().getValue();
            closeTimedOutSessions(event.timeMs());
            apply(event);
        }
        closeTimedOutSessions(point);
        released = point;
    }

    private void apply(Event event) {
        User user = userStates.get(event.userId());
        user.applied = true;
        long time = event.timeMs();
        user.lastActivity = Math.max(user.lastActivity, time);
        String[] segment = user.segmentAt(time);
        if (segment == UNKNOWN) {
            happened("unknown segment");
        }
        switch (event.topic()) {
            case TestEvents.REGISTRATION -> {
            }
            case TestEvents.SIGN_IN -> user.openSessions.putIfAbsent(event.sessionId(), new long[] {time, time});
            case TestEvents.SIGN_OUT -> {
                long[] open = user.openSessions.remove(event.sessionId());
                if (open != null) {
                    toWindows("session", segment, event.userId(), time, time - open[0]);
                }
            }
            case TestEvents.ITEM_VIEW, TestEvents.ADD_TO_CART -> touch(user, event);
            case TestEvents.CHECK_OUT -> {
                touch(user, event);
                user.checkOuts++;
                user.revenueCents += event.totalCents();
                user.lastCheckOut = user.lastCheckOut == null ? time : Math.max(user.lastCheckOut, time);
            }
            default -> throw new IllegalArgumentException(event.topic());
        }
        toWindows(event.topic(), segment, event.userId(), time, event.totalCents());
    }

    private static String[] segmentOf(Event registration) {
        return new String[] {ageBand(registration.age()), registration.language(), registration.domain()};
    }

    private static void touch(User user, Event event) {
        long[] open = user.openSessions.get(event.sessionId());
        if (open != null) {
            open[1] = Math.max(open[1], event.timeMs());
        }
    }

    /** Closes, earliest end first, every session whose last event plus the timeout is at or before {@code upTo}. */
    private void closeTimedOutSessions(long upTo) {
        List<Object[]> due = new ArrayList<>();
        userStates.forEach((userId, user) -> user.openSessions.forEach((sessionId, times) -> {
            if (times[1] + settings.sessionTimeoutMs() <= upTo) {
                due.add(new Object[] {times[1] + settings.sessionTimeoutMs(), userId, sessionId});
            }
        }));
        due.sort((a, b) -> Long.compare((Long) a[0], (Long) b[0]));
        for (Object[] entry : due) {
            User user = userStates.get((String) entry[1]);
            long[] times = user.openSessions.remove((String) entry[2]);
            happened("session timed out");
            long end = (Long) entry[0];
            toWindows("session", user.segmentAt(end), (String) entry[1], end, times[1] - times[0]);
        }
    }

    /** What the windows do with one contribution, counted under the user's segment and under "all". */
    private void toWindows(String what, String[] segment, String userId, long time, long amount) {
        long latest = Math.floorDiv(time, settings.advanceMs());
        long earliest = Math.max(0, latest - settings.sizeMs() / settings.advanceMs() + 1);
        boolean distinctKind = !what.equals("session") && !what.equals(TestEvents.REGISTRATION)
                && !what.equals(TestEvents.SIGN_OUT);
        for (long window = earliest; window <= latest; window++) {
            long start = window * settings.advanceMs();
            boolean firstVisit = distinctKind && firstVisits.add(what + "|" + userId + "|" + start);
            for (String[] key : List.of(segment, ALL)) {
                WindowKey windowKey = WindowKey.of(key, start);
                switch (what) {
                    case TestEvents.REGISTRATION -> registrationCounts.merge(windowKey, 1L, Long::sum);
                    case "session" -> durations.computeIfAbsent(windowKey, k -> new ArrayList<>()).add(amount);
                    case TestEvents.CHECK_OUT -> {
                        long[] totals = checkOuts.computeIfAbsent(windowKey, k -> new long[2]);
                        totals[0] += amount;
                        totals[1]++;
                    }
                    default -> {
                    }
                }
                if (firstVisit) {
                    distinctUsers.computeIfAbsent(what, k -> new HashMap<>())
                            .computeIfAbsent(windowKey, k -> new HashSet<>()).add(userId);
                }
            }
        }
    }

    /** Keeps what a window that has closed by the final release point emitted; late counts are kept for all. */
    private void finish() {
        registrationCounts.forEach((key, count) -> {
            if (closedAtEnd(key)) {
                registrations.put(key, count);
            }
        });
        distinctUsers.getOrDefault(TestEvents.SIGN_IN, Map.of()).forEach((key, users) -> {
            if (closedAtEnd(key)) {
                activeUsers.put(key, (long) users.size());
            }
        });
        durations.forEach((key, list) -> {
            if (closedAtEnd(key)) {
                List<Long> sorted = new ArrayList<>(list);
                Collections.sort(sorted);
                int rank = (int) Math.ceil(0.95 * sorted.size());
                double average = sorted.stream().mapToLong(Long::longValue).sum() / (double) sorted.size();
                sessions.put(key, new Sessions(sorted.size(), average, sorted.get(rank - 1)));
            }
        });
        Set<WindowKey> funnelKeys = new HashSet<>();
        for (String step : List.of(TestEvents.ITEM_VIEW, TestEvents.ADD_TO_CART, TestEvents.CHECK_OUT)) {
            funnelKeys.addAll(distinctUsers.getOrDefault(step, Map.of()).keySet());
        }
        for (WindowKey key : funnelKeys) {
            if (closedAtEnd(key)) {
                funnel.put(key, new Funnel(distinct(TestEvents.ITEM_VIEW, key), distinct(TestEvents.ADD_TO_CART, key),
                        distinct(TestEvents.CHECK_OUT, key)));
            }
        }
        checkOuts.forEach((key, totals) -> {
            if (closedAtEnd(key)) {
                revenue.put(key, new Revenue(totals[0], totals[1]));
            }
        });
        for (Event event : lateEvents) {
            String[] segment = event.topic().equals(TestEvents.REGISTRATION) ? segmentOf(event)
                    : userStates.get(event.userId()).segmentAt(event.timeMs());
            long latest = Math.floorDiv(event.timeMs(), settings.advanceMs());
            for (long window = Math.max(0, latest - settings.sizeMs() / settings.advanceMs() + 1); window <= latest;
                 window++) {
                for (String[] key : List.of(segment, ALL)) {
                    lateCounts.computeIfAbsent(WindowKey.of(key, window * settings.advanceMs()), k -> new long[2])[0]++;
                }
            }
        }
        lateCounts.forEach((key, counts) -> late.put(key, new Late(counts[0], counts[1])));
        userStates.forEach((userId, user) -> {
            if (user.applied) {
                users.put(userId, userRow(user));
            }
        });
    }

    private long distinct(String step, WindowKey key) {
        return distinctUsers.getOrDefault(step, Map.of()).getOrDefault(key, Set.of()).size();
    }

    private boolean closedAtEnd(WindowKey key) {
        return key.windowStart() + settings.sizeMs() <= released;
    }

    private UserRow userRow(User user) {
        long now = released;
        String lifecycle;
        if (user.registeredAt != null && now - user.registeredAt < settings.newMs()) {
            lifecycle = "new";
        } else if (now - user.lastActivity < settings.atRiskMs()) {
            lifecycle = "active";
        } else if (now - user.lastActivity < settings.dormantMs()) {
            lifecycle = "at_risk";
        } else {
            lifecycle = "dormant";
        }
        String value;
        if (user.checkOuts == 0) {
            value = "none";
        } else if (now - user.lastCheckOut >= settings.recencyMs()) {
            value = "lapsed";
        } else {
            int bars = (user.checkOuts >= settings.highOrders() ? 1 : 0)
                    + (user.revenueCents >= settings.highRevenueCents() ? 1 : 0);
            value = bars == 2 ? "high" : bars == 1 ? "medium" : "low";
        }
        String[] segment = user.segment == null ? UNKNOWN : user.segment;
        return new UserRow(segment[0], segment[1], segment[2], lifecycle, value, user.registeredAt, user.checkOuts,
                user.revenueCents, user.lastCheckOut);
    }

    private void happened(String what) {
        happenings.merge(what, 1, Integer::sum);
    }

    static String ageBand(int age) {
        int[][] bands = {{18, 24}, {25, 34}, {35, 44}, {45, 54}, {55, 64}};
        for (int[] band : bands) {
            if (age >= band[0] && age <= band[1]) {
                return band[0] + "-" + band[1];
            }
        }
        return age >= 65 ? "65+" : "under-18";
    }
}
