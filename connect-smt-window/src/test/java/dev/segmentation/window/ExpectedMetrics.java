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
 * none of the application's code: sets of users instead of bit masks, lists of durations instead of a store,
 * a loop over open sessions instead of timers. It follows the documented semantics:
 *
 * <ul>
 * <li>Stream time of the per-user stage is the largest timestamp of any input record so far. A record is rejected
 *     (dead letter) if it cannot be decoded, is invalid (null value without watermark header, empty user id,
 *     schema version below 1), or is more than the deduplication horizon behind that stream time. A repeated
 *     event id is dropped.</li>
 * <li>Before each event that is not rejected (duplicates included) and after each accepted one, and before each
 *     watermark, sessions whose timeout has passed are closed, earliest first. A session ends at its sign-out or at
 *     its last event plus the timeout, and is counted in the windows of that end time.</li>
 * <li>Windows see, in order, the accepted events, the ended sessions and, once all six topics have sent theirs, the
 *     watermark; except events that add nothing to any window (not a registration or check-out, and not the user's
 *     first of their kind in any of their windows) while their first window has not yet ended on the per-user
 *     stage's stream time. The windows' stream time is the largest timestamp they have seen. A window is closed
 *     once that stream time minus grace reaches its end; what arrives for a closed window is counted in the late
 *     counts instead.</li>
 * <li>A user counts in a window's distinct counts at their first event of that kind in that window, under the
 *     segment they had then; users without a registration seen count under "unknown".</li>
 * </ul>
 */
final class ExpectedMetrics {

    static final String[] ALL = {"all", "all", "all"};
    static final String[] UNKNOWN = {"unknown", "unknown", "unknown"};

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
    private final Map<String, Long> topicWatermarks = new HashMap<>();
    private long partitionWatermark = Long.MIN_VALUE;
    private long upstreamTime = Long.MIN_VALUE;
    private long windowTime = Long.MIN_VALUE;

    // Window state: what was counted while the window was open
    private final Map<WindowKey, Long> registrationCounts = new HashMap<>();
    private final Map<String, Map<WindowKey, Set<String>>> distinctUsers = new HashMap<>();
    private final Map<String, String[]> firstVisitSegment = new HashMap<>();
    private final Map<WindowKey, List<Long>> durations = new HashMap<>();
    private final Map<WindowKey, long[]> checkOuts = new HashMap<>();
    private final Map<WindowKey, long[]> lateCounts = new HashMap<>();

    private static final class User {
        String[] segment;
        Long registeredAt;
        long lastActivity = Long.MIN_VALUE;
        final Map<String, long[]> openSessions = new LinkedHashMap<>();
        final Map<String, Long> earlySignOuts = new LinkedHashMap<>();
        int checkOuts;
        long revenueCents;
        Long lastCheckOut;

        String[] segmentOrUnknown() {
            return segment == null ? UNKNOWN : segment;
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
        upstreamTime = Math.max(upstreamTime, arrival.timestampMs());
        switch (arrival.kind()) {
            case GARBAGE, UNKNOWN_SCHEMA -> reject(arrival, offset, "undecodable");
            case NULL_VALUE -> reject(arrival, offset, "invalid");
            case WATERMARK -> {
                closeTimedOutSessions();
                topicWatermarks.merge(arrival.topic(), arrival.timestampMs(), Math::max);
                if (topicWatermarks.size() == TestEvents.TOPICS.size()) {
                    long min = Collections.min(topicWatermarks.values());
                    if (min > partitionWatermark) {
                        partitionWatermark = min;
                        windowTime = Math.max(windowTime, min);
                    }
                }
            }
            case EVENT -> {
                Event event = arrival.event();
                if (event.userId().isEmpty() || event.schemaVersion() < 1 || !event.userId().equals(arrival.key())) {
                    reject(arrival, offset, "invalid");
                } else if (arrival.timestampMs() < upstreamTime - settings.dedupHorizonMs()) {
                    reject(arrival, offset, "expired");
                } else {
                    closeTimedOutSessions();
                    if (!seenEventIds.add(event.eventId())) {
                        happened("duplicate dropped");
                        return;
                    }
                    if (arrival.evolved()) {
                        happened("evolved schema read");
                    }
                    accept(event);
                    closeTimedOutSessions();
                }
            }
        }
    }

    private void reject(Arrival arrival, long offset, String reason) {
        deadLetters.add(new DeadLetter(arrival.topic(), offset, reason));
        happened("dead letter " + reason);
    }

    private void accept(Event event) {
        User user = userStates.computeIfAbsent(event.userId(), id -> new User());
        long time = event.timeMs();
        user.lastActivity = Math.max(user.lastActivity, time);
        List<long[]> ended = new ArrayList<>();
        switch (event.topic()) {
            case TestEvents.REGISTRATION -> {
                if (user.segment == null) {
                    user.segment = new String[] {ageBand(event.age()), event.language(), event.domain()};
                    user.registeredAt = time;
                }
            }
            case TestEvents.SIGN_IN -> {
                Long early = user.earlySignOuts.remove(event.sessionId());
                if (early != null) {
                    happened("sign-out before its sign-in");
                    ended.add(new long[] {early, Math.max(0, early - time)});
                } else {
                    user.openSessions.putIfAbsent(event.sessionId(), new long[] {time, time});
                }
            }
            case TestEvents.SIGN_OUT -> {
                long[] open = user.openSessions.remove(event.sessionId());
                if (open != null) {
                    ended.add(new long[] {time, Math.max(0, time - open[0])});
                } else {
                    user.earlySignOuts.putIfAbsent(event.sessionId(), time);
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
        if (user.segment == null) {
            happened("event before registration");
        }
        toWindows(event.topic(), user.segmentOrUnknown(), event.userId(), time, event.totalCents());
        for (long[] session : ended) {
            toWindows("session", user.segmentOrUnknown(), event.userId(), session[0], session[1]);
        }
    }

    private static void touch(User user, Event event) {
        long[] open = user.openSessions.get(event.sessionId());
        if (open != null) {
            open[1] = Math.max(open[1], event.timeMs());
        }
    }

    /** Closes, earliest end first, every session whose last event plus the timeout is at or before stream time. */
    private void closeTimedOutSessions() {
        List<Object[]> due = new ArrayList<>();
        userStates.forEach((userId, user) -> {
            user.openSessions.forEach((sessionId, times) -> {
                if (times[1] + settings.sessionTimeoutMs() <= upstreamTime) {
                    due.add(new Object[] {times[1] + settings.sessionTimeoutMs(), userId, sessionId});
                }
            });
            user.earlySignOuts.values().removeIf(at -> at + settings.sessionTimeoutMs() <= upstreamTime);
        });
        due.sort((a, b) -> {
            int byTime = Long.compare((Long) a[0], (Long) b[0]);
            return byTime != 0 ? byTime : ((String) a[1]).compareTo((String) b[1]);
        });
        for (Object[] entry : due) {
            User user = userStates.get((String) entry[1]);
            long[] times = user.openSessions.remove((String) entry[2]);
            happened("session timed out");
            toWindows("session", user.segmentOrUnknown(), (String) entry[1], (Long) entry[0], times[1] - times[0]);
        }
    }

    /** What the windows do with one contribution, sent under the user's segment and under "all". */
    private void toWindows(String what, String[] segment, String userId, long time, long amount) {
        long latest = Math.floorDiv(time, settings.advanceMs());
        long earliest = Math.max(0, latest - settings.sizeMs() / settings.advanceMs() + 1);
        Set<Long> firstVisits = new HashSet<>();
        boolean distinctKind = !what.equals("session") && !what.equals(TestEvents.REGISTRATION)
                && !what.equals(TestEvents.SIGN_OUT);
        for (long window = earliest; window <= latest && distinctKind; window++) {
            long start = window * settings.advanceMs();
            if (firstVisitSegment.putIfAbsent(what + "|" + userId + "|" + start, segment) == null) {
                firstVisits.add(window);
            }
        }
        boolean addsSomething = what.equals("session") || what.equals(TestEvents.REGISTRATION)
                || what.equals(TestEvents.CHECK_OUT) || !firstVisits.isEmpty();
        if (!addsSomething && earliest * settings.advanceMs() + settings.sizeMs() > upstreamTime) {
            happened("event kept from the windows");
            return;
        }
        windowTime = Math.max(windowTime, time);
        for (long window = earliest; window <= latest; window++) {
            long start = window * settings.advanceMs();
            boolean closed = start + settings.sizeMs() <= windowTime - settings.graceMs();
            boolean firstVisit = firstVisits.contains(window);
            for (String[] key : List.of(segment, ALL)) {
                WindowKey windowKey = WindowKey.of(key, start);
                if (closed) {
                    happened("late for a window");
                    lateCounts.computeIfAbsent(windowKey, k -> new long[2])[what.equals("session") ? 1 : 0]++;
                    continue;
                }
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

    /** Keeps what a window that has closed by the final stream time emitted; late counts are kept for all. */
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
        lateCounts.forEach((key, counts) -> late.put(key, new Late(counts[0], counts[1])));
        userStates.forEach((userId, user) -> users.put(userId, userRow(user)));
    }

    private long distinct(String step, WindowKey key) {
        return distinctUsers.getOrDefault(step, Map.of()).getOrDefault(key, Set.of()).size();
    }

    private boolean closedAtEnd(WindowKey key) {
        return key.windowStart() + settings.sizeMs() <= windowTime - settings.graceMs();
    }

    private UserRow userRow(User user) {
        long now = upstreamTime;
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
        String[] segment = user.segmentOrUnknown();
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
