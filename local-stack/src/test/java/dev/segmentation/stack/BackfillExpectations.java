package dev.segmentation.stack;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every row the segmentation stage must write for the records of its input topics, computed the plain way from the
 * definitions of docs/streams.md, with none of the application's classes: maps of sets of users instead of bit masks,
 * lists of durations instead of a store, one walk per user instead of timers. It reads the input as the log holds it,
 * each topic partition in offset order, and so does not depend on the order in which the stage happened to read
 * the topics. The definitions, per input partition:
 *
 * <ul>
 * <li>A topic partition's clock is the largest timestamp among its records so far: events and watermarks, records
 *     rejected as invalid aside. An event whose user id is empty, whose schema version is below 1 or whose key is
 *     not its user id is invalid; one more than the deduplication horizon behind its topic's clock has expired. Both
 *     go to the dead-letter topic.</li>
 * <li>An event is late when its topic's clock, before it, is at or past its event time plus grace. The first
 *     record of an event id counts; later ones are dropped. A late event counts only in {@code segment_late_events},
 *     once in each window containing its time, under its user's segment at that time (a late registration under
 *     its own) and under {@code all}.</li>
 * <li>A user's segment is (age band, language, e-mail domain) of their registration that is not late, from its
 *     event time on; before it, or without one, {@code unknown}.</li>
 * <li>The other events apply to their user in event-time order (ties: registration, sign-in, view, cart,
 *     check-out, sign-out). A session opens at its sign-in; views, carts and check-outs of an open session move its
 *     last event; its sign-out ends it. One with no event of its own for the timeout ends at its last event plus the
 *     timeout, before any event at or after that time. Session events without an open session belong to none.
 *     A session counts in the windows of its end, under the user's segment then.</li>
 * <li>Registrations and check-outs are counted; active users (sign-in), viewers, cart adders and buyers are
 *     distinct users per window, each under the segment of their first such event in the window.</li>
 * <li>A partition's release point is the smallest of its six topics' clocks minus grace; windows ending at or
 *     before the smallest release point of all partitions have their final rows, and a metric whose count is zero
 *     has none.</li>
 * <li>A user's segment row is rewritten when their lifecycle or value segment, check-out count or registration
 *     changes; its {@code as_of} is the event time of that change.</li>
 * </ul>
 */
final class BackfillExpectations {

    static final String ALL = "all";
    static final String UNKNOWN = "unknown";
    static final String REGISTRATION = "user_registration";
    static final String SIGN_IN = "sign_in";
    static final String SIGN_OUT = "sign_out";
    static final String ITEM_VIEW = "item_view";
    static final String ADD_TO_CART = "add_to_cart";
    static final String CHECK_OUT = "check_out";
    static final List<String> INPUT_TOPICS = List.of(REGISTRATION, SIGN_IN, SIGN_OUT, ITEM_VIEW, ADD_TO_CART, CHECK_OUT);
    static final List<String> METRICS = List.of("registrations", "active_users", "sessions", "funnel", "revenue");
    /** The order in which events of one user that share a millisecond apply. */
    private static final List<String> JOURNEY_ORDER = List.of(REGISTRATION, SIGN_IN, ITEM_VIEW, ADD_TO_CART, CHECK_OUT,
            SIGN_OUT);
    private static final long NONE = Long.MIN_VALUE;

    /**
     * The stage's settings that the expectations depend on, with the documented defaults.
     */
    record Settings(long sizeMs, long advanceMs, long graceMs, long sessionTimeoutMs, long dedupHorizonMs, long newMs,
                    long atRiskMs, long dormantMs, long recencyMs, int highOrders, long highRevenueCents,
                    long idleMs) {

        /** The settings in a Streams properties file, as the stage reads them. */
        static Settings of(Properties properties) {
            long day = 86_400_000L;
            return new Settings(
                    number(properties, "segmentation.window.size.ms", 3_600_000L),
                    number(properties, "segmentation.window.advance.ms", 900_000L),
                    number(properties, "segmentation.window.grace.ms", 900_000L),
                    number(properties, "segmentation.session.timeout.ms", 1_800_000L),
                    number(properties, "segmentation.dedup.retention.ms", 7_200_000L),
                    number(properties, "segmentation.lifecycle.new.ms", 7 * day),
                    number(properties, "segmentation.lifecycle.at.risk.after.ms", 7 * day),
                    number(properties, "segmentation.lifecycle.dormant.after.ms", 30 * day),
                    number(properties, "segmentation.value.recency.ms", 30 * day),
                    (int) number(properties, "segmentation.value.high.orders", 3),
                    number(properties, "segmentation.value.high.revenue.cents", 50_000L),
                    number(properties, "segmentation.alignment.idle.ms", 300_000L));
        }

        private static long number(Properties properties, String key, long defaultValue) {
            String value = properties.getProperty(key);
            return value == null ? defaultValue : Long.parseLong(value.trim());
        }
    }

    /** One input event's fields; those an event type does not have are null. */
    record Event(String topic, long timestampMs, String userId, String eventId, String sessionId, Integer age,
                 String language, String domain, Long totalCents, Integer schemaVersion) {
    }

    /**
     * One record of an input topic, as read back from Kafka.
     *
     * @param key   the record key
     * @param event the decoded event, or null for a watermark
     */
    record InputRecord(String topic, int partition, long offset, long timestampMs, String key, Event event) {

        boolean isWatermark() {
            return event == null;
        }
    }

    /** Identifies one windowed row: metric, segment and window start, as the output topics' keys do. */
    record RowKey(String metric, String ageBand, String language, String domain, long windowStart)
            implements Comparable<RowKey> {

        private static final Comparator<RowKey> ORDER = Comparator.comparing(RowKey::metric)
                .thenComparingLong(RowKey::windowStart).thenComparing(RowKey::ageBand)
                .thenComparing(RowKey::language).thenComparing(RowKey::domain);

        @Override
        public int compareTo(RowKey other) {
            return ORDER.compare(this, other);
        }

        @Override
        public String toString() {
            return metric + "/" + ageBand + "|" + language + "|" + domain + "@" + java.time.Instant.ofEpochMilli(windowStart);
        }
    }

    /** One user segment row. */
    record UserRow(String ageBand, String language, String domain, String lifecycle, String value, Long registeredAt,
                   int checkOuts, long revenueCents, Long lastCheckOutAt, long asOf) {
    }

    /** Where a dead letter came from, and why. */
    record DeadLetter(String topic, int partition, long offset, String reason) {
    }

    /** Final rows by metric, each with its metric fields by name, as in the output topics' values. */
    final Map<String, Map<RowKey, Map<String, Object>>> rows = new TreeMap<>();
    /** The late counts: (late_events, late_sessions) per window and segment, as the last row of each key says. */
    final Map<RowKey, List<Long>> late = new TreeMap<>();
    /** Every user segment row of each user, in the order they are written. */
    final Map<String, List<UserRow>> users = new TreeMap<>();
    final Set<DeadLetter> deadLetters = new HashSet<>();
    /** The smallest release point of all partitions, which decides which windows have closed. */
    long releasedMs;
    /** How often each imperfection happened in the input, so that a test can show its data exercised it. */
    final Map<String, Integer> happenings = new TreeMap<>();
    int sessionsEnded;
    int sessionsLeftOpen;
    /** Windows and segments with something counted that had not closed at the end of the run. */
    int windowsLeftOpen;

    private final Settings settings;
    private final Map<WindowKey, Window> windows = new HashMap<>();
    private final Set<String> firstVisits = new HashSet<>();
    /** Each user's registration that is not late: its segment and time. */
    private final Map<String, Event> registrations = new HashMap<>();

    private record WindowKey(List<String> segment, long start) {
    }

    /** What one window of one segment has counted. */
    private static final class Window {
        long registrations;
        final Map<String, Set<String>> distinctUsers = new HashMap<>();
        final List<Long> sessionDurations = new ArrayList<>();
        long revenueCents;
        long orders;

        long distinct(String topic) {
            return distinctUsers.getOrDefault(topic, Set.of()).size();
        }
    }

    private BackfillExpectations(Settings settings) {
        this.settings = settings;
    }

    /** @param records every record of the six input topics, watermarks and invalid ones included */
    static BackfillExpectations compute(List<InputRecord> records, Settings settings) {
        BackfillExpectations expected = new BackfillExpectations(settings);
        expected.run(records);
        return expected;
    }

    private void run(List<InputRecord> records) {
        Map<String, List<InputRecord>> byTopicPartition = new TreeMap<>();
        for (InputRecord record : records) {
            byTopicPartition.computeIfAbsent(record.topic() + "-" + record.partition(), k -> new ArrayList<>())
                    .add(record);
        }
        Map<Integer, Map<String, Long>> clocks = new TreeMap<>();
        List<Event> onTime = new ArrayList<>();
        List<Event> lateEvents = new ArrayList<>();
        Map<String, Integer> partitionOfUser = new HashMap<>();
        for (List<InputRecord> log : byTopicPartition.values()) {
            log.sort(Comparator.comparingLong(InputRecord::offset));
            long clock = NONE;
            Set<String> seen = new HashSet<>();
            for (InputRecord record : log) {
                if (record.isWatermark()) {
                    clock = Math.max(clock, record.timestampMs());
                    continue;
                }
                Event event = record.event();
                String invalid = invalid(record);
                if (invalid != null) {
                    deadLetters.add(new DeadLetter(record.topic(), record.partition(), record.offset(), invalid));
                    happened("invalid");
                    continue;
                }
                long time = event.timestampMs();
                if (clock != NONE && time < clock - settings.dedupHorizonMs()) {
                    deadLetters.add(new DeadLetter(record.topic(), record.partition(), record.offset(), "expired"));
                    happened("expired");
                    continue;
                }
                boolean isLate = clock != NONE && clock - settings.graceMs() >= time;
                if (!isLate && time < clock) {
                    happened("behind its topic, within grace");
                }
                clock = Math.max(clock, time);
                if (!seen.add(event.eventId())) {
                    happened("duplicate");
                    continue;
                }
                partitionOfUser.put(event.userId(), record.partition());
                if (isLate) {
                    happened("late");
                    lateEvents.add(event);
                } else {
                    onTime.add(event);
                    boolean registration = event.topic().equals(REGISTRATION);
                    if (registration && registrations.putIfAbsent(event.userId(), event) != null) {
                        throw new IllegalStateException("User " + event.userId() + " registered twice; the "
                                + "expectations assume one registration per user");
                    }
                }
            }
            if (clock != NONE) {
                clocks.computeIfAbsent(log.get(0).partition(), p -> new HashMap<>()).put(log.get(0).topic(), clock);
            }
        }
        Map<Integer, Long> releasePoints = new HashMap<>();
        clocks.forEach((partition, byTopic) -> releasePoints.put(partition, byTopic.keySet().containsAll(INPUT_TOPICS)
                ? Collections.min(byTopic.values()) - settings.graceMs() : NONE));
        releasedMs = releasePoints.isEmpty() ? NONE : Collections.min(releasePoints.values());

        Map<String, List<Event>> byUser = new TreeMap<>();
        onTime.forEach(event -> byUser.computeIfAbsent(event.userId(), k -> new ArrayList<>()).add(event));
        byUser.forEach((userId, events) -> walkUser(userId, events, releasePoints.get(partitionOfUser.get(userId))));
        Map<RowKey, Long> lateCounts = new TreeMap<>();
        for (Event event : lateEvents) {
            List<String> segment = event.topic().equals(REGISTRATION) ? segmentOf(event)
                    : segmentAt(event.userId(), event.timestampMs());
            for (long start : windowStarts(event.timestampMs())) {
                for (List<String> key : List.of(segment, allSegment())) {
                    lateCounts.merge(new RowKey("late_events", key.get(0), key.get(1), key.get(2), start), 1L,
                            Long::sum);
                }
            }
        }
        // No session ends late: every partition's events reach the windows in order.
        lateCounts.forEach((key, count) -> late.put(key, List.of(count, 0L)));
        emitClosedWindows();
    }

    private static String invalid(InputRecord record) {
        Event event = record.event();
        if (event.userId() == null || event.userId().isEmpty()) {
            return "invalid";
        }
        if (event.schemaVersion() != null && event.schemaVersion() < 1) {
            return "invalid";
        }
        return event.userId().equals(record.key()) ? null : "invalid";
    }

    /**
     * Applies one user's events that are not late in event-time order: their windows, their sessions, their segment
     * rows.
     */
    private void walkUser(String userId, List<Event> events, long releasePoint) {
        events.sort(Comparator.comparingLong(Event::timestampMs)
                .thenComparingInt(event -> JOURNEY_ORDER.indexOf(event.topic())));
        Map<String, long[]> open = new LinkedHashMap<>();
        RowState row = new RowState(registrations.get(userId));
        for (Event event : events) {
            long time = event.timestampMs();
            if (time > releasePoint) {
                throw new IllegalStateException("Event " + event + " lies past its partition's release point");
            }
            closeTimedOut(userId, open, time);
            List<String> segment = segmentAt(userId, time);
            switch (event.topic()) {
                case REGISTRATION -> count(segment, time, window -> window.registrations++);
                case SIGN_IN -> {
                    open.putIfAbsent(event.sessionId(), new long[] {time, time});
                    distinct(segment, time, SIGN_IN, userId);
                }
                case ITEM_VIEW, ADD_TO_CART -> {
                    touch(open, event);
                    distinct(segment, time, event.topic(), userId);
                }
                case CHECK_OUT -> {
                    touch(open, event);
                    distinct(segment, time, CHECK_OUT, userId);
                    count(segment, time, window -> {
                        window.revenueCents += event.totalCents();
                        window.orders++;
                    });
                }
                case SIGN_OUT -> {
                    long[] session = open.remove(event.sessionId());
                    if (session != null) {
                        sessionEnded(segment, time, time - session[0]);
                    } else {
                        happened("session event without an open session");
                    }
                }
                default -> throw new IllegalArgumentException(event.topic());
            }
            row.apply(event);
        }
        closeTimedOut(userId, open, releasePoint);
        sessionsLeftOpen += open.size();
        users.put(userId, row.rows(userId, releasePoint));
    }

    /** Ends, earliest first, the sessions whose last event plus the timeout is at or before {@code upTo}. */
    private void closeTimedOut(String userId, Map<String, long[]> open, long upTo) {
        long timeout = settings.sessionTimeoutMs();
        List<long[]> due = new ArrayList<>();
        open.values().removeIf(session -> {
            if (session[1] + timeout <= upTo) {
                due.add(session);
                return true;
            }
            return false;
        });
        due.sort(Comparator.comparingLong(session -> session[1]));
        for (long[] session : due) {
            long end = session[1] + timeout;
            sessionEnded(segmentAt(userId, end), end, session[1] - session[0]);
        }
    }

    private static void touch(Map<String, long[]> open, Event event) {
        long[] session = open.get(event.sessionId());
        if (session != null) {
            session[1] = Math.max(session[1], event.timestampMs());
        }
    }

    private void sessionEnded(List<String> segment, long end, long duration) {
        sessionsEnded++;
        count(segment, end, window -> window.sessionDurations.add(duration));
    }

    private void distinct(List<String> segment, long time, String topic, String userId) {
        for (long start : windowStarts(time)) {
            // The user counts under the segment of their first such event in the window.
            if (firstVisits.add(topic + "|" + userId + "|" + start)) {
                for (List<String> key : List.of(segment, allSegment())) {
                    windows.computeIfAbsent(new WindowKey(key, start), k -> new Window()).distinctUsers
                            .computeIfAbsent(topic, t -> new HashSet<>()).add(userId);
                }
            }
        }
    }

    private void count(List<String> segment, long time, java.util.function.Consumer<Window> change) {
        for (long start : windowStarts(time)) {
            for (List<String> key : List.of(segment, allSegment())) {
                change.accept(windows.computeIfAbsent(new WindowKey(key, start), k -> new Window()));
            }
        }
    }

    /** A user's segment for an event at the given time: their registration's from its time on. */
    private List<String> segmentAt(String userId, long timeMs) {
        Event registration = registrations.get(userId);
        if (registration == null || registration.timestampMs() > timeMs) {
            return List.of(UNKNOWN, UNKNOWN, UNKNOWN);
        }
        return segmentOf(registration);
    }

    private static List<String> segmentOf(Event registration) {
        return List.of(ageBand(registration.age()), registration.language(), registration.domain());
    }

    private static List<String> allSegment() {
        return List.of(ALL, ALL, ALL);
    }

    /** Starts of the windows that contain the time: aligned to the advance, within one size before it. */
    private List<Long> windowStarts(long timeMs) {
        List<Long> starts = new ArrayList<>();
        long latest = Math.floorDiv(timeMs, settings.advanceMs()) * settings.advanceMs();
        for (long start = latest; start > timeMs - settings.sizeMs() && start >= 0; start -= settings.advanceMs()) {
            starts.add(start);
        }
        return starts;
    }

    private void emitClosedWindows() {
        METRICS.forEach(metric -> rows.put(metric, new TreeMap<>()));
        windows.forEach((key, window) -> {
            if (key.start() + settings.sizeMs() > releasedMs) {
                windowsLeftOpen++;
                return;
            }
            List<String> segment = key.segment();
            if (window.registrations > 0) {
                put("registrations", segment, key.start(), Map.of("registrations", window.registrations));
            }
            if (window.distinct(SIGN_IN) > 0) {
                put("active_users", segment, key.start(), Map.of("active_users", window.distinct(SIGN_IN)));
            }
            if (!window.sessionDurations.isEmpty()) {
                List<Long> sorted = new ArrayList<>(window.sessionDurations);
                Collections.sort(sorted);
                long sum = sorted.stream().mapToLong(Long::longValue).sum();
                int rank = (int) Math.ceil(0.95 * sorted.size());
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("sessions", (long) sorted.size());
                fields.put("avg_duration_ms", (double) sum / sorted.size());
                fields.put("p95_duration_ms", sorted.get(rank - 1));
                put("sessions", segment, key.start(), fields);
            }
            long viewers = window.distinct(ITEM_VIEW);
            long cartAdders = window.distinct(ADD_TO_CART);
            long buyers = window.distinct(CHECK_OUT);
            if (viewers > 0 || cartAdders > 0 || buyers > 0) {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("viewers", viewers);
                fields.put("cart_adders", cartAdders);
                fields.put("buyers", buyers);
                fields.put("view_to_cart_rate", rate(cartAdders, viewers));
                fields.put("cart_to_check_out_rate", rate(buyers, cartAdders));
                fields.put("view_to_check_out_rate", rate(buyers, viewers));
                put("funnel", segment, key.start(), fields);
            }
            if (window.orders > 0) {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("revenue_cents", window.revenueCents);
                fields.put("orders", window.orders);
                fields.put("average_order_cents", (double) window.revenueCents / window.orders);
                put("revenue", segment, key.start(), fields);
            }
        });
    }

    private void put(String metric, List<String> segment, long start, Map<String, Object> fields) {
        rows.get(metric).put(new RowKey(metric, segment.get(0), segment.get(1), segment.get(2), start), fields);
    }

    private static Double rate(long numerator, long denominator) {
        return denominator == 0 ? null : (double) numerator / denominator;
    }

    private void happened(String what) {
        happenings.merge(what, 1, Integer::sum);
    }

    /**
     * A user's segment rows as their applied events change them. Within a run shorter than every threshold of the
     * lifecycle and value segments, only events change the row: the first one (the row appears), and each check-out
     * (the count, and perhaps the value segment). A row is written at each such change, with {@code as_of} its event
     * time.
     */
    private final class RowState {
        private final Event registration;
        private final List<UserRow> rows = new ArrayList<>();
        private long lastActivity = NONE;
        private int checkOuts;
        private long revenue;
        private long lastCheckOut = NONE;

        RowState(Event registration) {
            this.registration = registration;
        }

        void apply(Event event) {
            boolean first = rows.isEmpty();
            if (first && registration != null && registration.timestampMs() > event.timestampMs()) {
                throw new IllegalStateException("User " + event.userId() + " has an event before their "
                        + "registration; the expectations assume journeys that start with it");
            }
            lastActivity = Math.max(lastActivity, event.timestampMs());
            boolean checkOut = event.topic().equals(CHECK_OUT);
            if (checkOut) {
                checkOuts++;
                revenue += event.totalCents();
                lastCheckOut = Math.max(lastCheckOut, event.timestampMs());
            }
            if (first || checkOut) {
                rows.add(row(event.timestampMs()));
            }
        }

        List<UserRow> rows(String userId, long end) {
            long firstTimedChange = Math.min(lastActivity + settings.atRiskMs(),
                    lastCheckOut == NONE ? Long.MAX_VALUE : lastCheckOut + settings.recencyMs());
            if (registration != null) {
                firstTimedChange = Math.min(firstTimedChange, registration.timestampMs() + settings.newMs());
            }
            if (firstTimedChange <= end) {
                throw new IllegalStateException("User " + userId + "'s segments change with time alone before the end "
                        + "of the run; keep the run shorter than the lifecycle and value thresholds");
            }
            return rows;
        }

        private UserRow row(long asOf) {
            String lifecycle = registration != null ? "new" : "active";
            String value;
            if (checkOuts == 0) {
                value = "none";
            } else {
                int bars = (checkOuts >= settings.highOrders() ? 1 : 0)
                        + (revenue >= settings.highRevenueCents() ? 1 : 0);
                value = bars == 2 ? "high" : bars == 1 ? "medium" : "low";
            }
            List<String> segment = registration == null ? List.of(UNKNOWN, UNKNOWN, UNKNOWN) : segmentOf(registration);
            return new UserRow(segment.get(0), segment.get(1), segment.get(2), lifecycle, value,
                    registration == null ? null : registration.timestampMs(), checkOuts, revenue,
                    lastCheckOut == NONE ? null : lastCheckOut, asOf);
        }
    }

    /** Age bands as documented: 18-24, then ten years wide from 25 to 64, 65+ on top, under-18 below. */
    static String ageBand(int age) {
        if (age < 18) {
            return "under-18";
        }
        if (age < 25) {
            return "18-24";
        }
        if (age >= 65) {
            return "65+";
        }
        int start = 25 + (age - 25) / 10 * 10;
        return start + "-" + (start + 9);
    }

    /** Counts for the report: rows per metric. */
    Map<String, Integer> rowCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        rows.forEach((metric, byKey) -> counts.put(metric, byKey.size()));
        counts.put("late_events", late.size());
        return counts;
    }
}
