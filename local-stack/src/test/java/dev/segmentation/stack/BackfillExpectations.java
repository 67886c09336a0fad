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
 * Every final row the segmentation stage must write for a set of input events, computed the plain way from the
 * documented semantics, with none of the application's classes: maps of sets of users instead of bit masks, lists
 * of durations instead of a store, one walk per session instead of timers.
 *
 * <p>It is a function of the event set, not of the order in which the stage read it. That holds for perfect input
 * read in timestamp order within each partition, with enough grace that nothing is late; what would make the input
 * order matter (a user's event tied in time with their registration, a watermark below the last contribution) is
 * refused with an {@link IllegalStateException} rather than guessed at. The rules:
 *
 * <ul>
 * <li>A window is {@code [start, start + size)} with {@code start} a multiple of the advance; an event belongs to
 *     every window that contains its timestamp.</li>
 * <li>A user's segment is (age band, language, e-mail domain) of their registration; a user without a registration
 *     counts under {@code unknown}. Every contribution counts under the user's segment and under {@code all}.</li>
 * <li>Registrations and check-outs are counted; active users (sign-in), viewers, cart adders and buyers are
 *     distinct users per window.</li>
 * <li>A session starts at its sign-in and ends at its sign-out or, without one, a timeout after its last event
 *     (sign-in, view, cart or check-out of that session). It times out once its partition's stream time reaches that
 *     point, before any event at or after it is applied, and by the end of the run if the partition's watermark gets
 *     there. It counts in the windows of its end; its duration runs to the sign-out or to the last event.</li>
 * <li>The windows close when their stream time (the largest contribution timestamp, or the smallest partition
 *     watermark once every partition has sent one) minus grace reaches their end; only closed windows have rows, and
 *     a metric whose count is zero has none.</li>
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

    private static final long DAY_MS = 86_400_000L;

    /**
     * The stage's settings that the expectations depend on, with the documented defaults.
     */
    record Settings(long sizeMs, long advanceMs, long graceMs, long sessionTimeoutMs, long newMs, long atRiskMs,
                    long dormantMs, long recencyMs, int highOrders, long highRevenueCents) {

        /** The settings in a Streams properties file, as the stage reads them. */
        static Settings of(Properties properties) {
            return new Settings(
                    number(properties, "segmentation.window.size.ms", 3_600_000L),
                    number(properties, "segmentation.window.advance.ms", 900_000L),
                    number(properties, "segmentation.window.grace.ms", 900_000L),
                    number(properties, "segmentation.session.timeout.ms", 1_800_000L),
                    number(properties, "segmentation.lifecycle.new.ms", 7 * DAY_MS),
                    number(properties, "segmentation.lifecycle.at.risk.after.ms", 7 * DAY_MS),
                    number(properties, "segmentation.lifecycle.dormant.after.ms", 30 * DAY_MS),
                    number(properties, "segmentation.value.recency.ms", 30 * DAY_MS),
                    (int) number(properties, "segmentation.value.high.orders", 3),
                    number(properties, "segmentation.value.high.revenue.cents", 50_000L));
        }

        private static long number(Properties properties, String key, long defaultValue) {
            String value = properties.getProperty(key);
            return value == null ? defaultValue : Long.parseLong(value.trim());
        }
    }

    /**
     * One input event as read from Kafka; fields an event type does not have are null.
     *
     * @param partition the input partition, which is also the per-user task that handles it
     */
    record Event(String topic, int partition, long timestampMs, String userId, String eventId, String sessionId,
                 Integer age, String language, String domain, Long totalCents) {
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

    /** The last user segment row of a user. */
    record UserRow(String ageBand, String language, String domain, String lifecycle, String value, Long registeredAt,
                   int checkOuts, long revenueCents, Long lastCheckOutAt, long asOf) {
    }

    /** Final rows by metric, each with its metric fields by name, as in the output topics' values. */
    final Map<String, Map<RowKey, Map<String, Object>>> rows = new TreeMap<>();
    final Map<String, UserRow> users = new TreeMap<>();
    /** The windows' stream time at the end of the run, which decides which windows have closed. */
    long windowStreamTimeMs;
    /** Sessions that ended, and those the run's end left open (their partition's watermark came too soon). */
    int sessionsEnded;
    int sessionsLeftOpen;
    /** Windows and segments with something counted that had not closed at the end of the run. */
    int windowsLeftOpen;

    private final Settings settings;
    private final Map<String, Event> registrations = new HashMap<>();
    private final Map<WindowKey, Window> windows = new HashMap<>();

    private record WindowKey(String[] segment, long start) {
        @Override
        public boolean equals(Object other) {
            return other instanceof WindowKey key && key.start == start && java.util.Arrays.equals(key.segment, segment);
        }

        @Override
        public int hashCode() {
            return 31 * java.util.Arrays.hashCode(segment) + Long.hashCode(start);
        }
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

    /**
     * @param events     every input event, watermarks aside
     * @param watermarks the watermark timestamps of each input partition, by topic (one map per partition)
     */
    static BackfillExpectations compute(List<Event> events, Map<Integer, Map<String, Long>> watermarks,
                                        Settings settings) {
        BackfillExpectations expected = new BackfillExpectations(settings);
        expected.run(events, watermarks);
        return expected;
    }

    private void run(List<Event> events, Map<Integer, Map<String, Long>> watermarks) {
        for (Event event : events) {
            if (event.topic().equals(REGISTRATION) && registrations.putIfAbsent(event.userId(), event) != null) {
                throw new IllegalStateException("User " + event.userId() + " registered twice; the expectations "
                        + "assume one registration per user");
            }
        }
        long maxContribution = Long.MIN_VALUE;
        for (Event event : events) {
            String[] segment = segmentAt(event.userId(), event.timestampMs(), !event.topic().equals(REGISTRATION));
            maxContribution = Math.max(maxContribution, event.timestampMs());
            for (long start : windowStarts(event.timestampMs())) {
                for (String[] key : List.of(segment, allSegment())) {
                    Window window = windows.computeIfAbsent(new WindowKey(key, start), k -> new Window());
                    switch (event.topic()) {
                        case REGISTRATION -> window.registrations++;
                        case SIGN_IN, ITEM_VIEW, ADD_TO_CART -> window.distinctUsers
                                .computeIfAbsent(event.topic(), t -> new HashSet<>()).add(event.userId());
                        case CHECK_OUT -> {
                            window.distinctUsers.computeIfAbsent(CHECK_OUT, t -> new HashSet<>()).add(event.userId());
                            window.revenueCents += event.totalCents();
                            window.orders++;
                        }
                        case SIGN_OUT -> {
                            // Counts only through the session it ends.
                        }
                        default -> throw new IllegalArgumentException(event.topic());
                    }
                }
            }
        }
        Map<Integer, Long> partitionTimes = partitionStreamTimes(events, watermarks);
        for (long[] session : sessions(events, partitionTimes)) {
            maxContribution = Math.max(maxContribution, session[0]);
        }
        long released = releasedWatermark(watermarks);
        if (released < maxContribution) {
            throw new IllegalStateException("The watermarks (" + released + ") do not pass the last contribution ("
                    + maxContribution + "), so each window task would close its windows on its own records; "
                    + "raise watermark.lead.ms above the session timeout");
        }
        windowStreamTimeMs = released;
        emitClosedWindows();
        userRows(events, partitionTimes);
    }

    /**
     * The segment of a user's event at the given time. An event tied in time with the user's registration, or
     * before it, would count under a segment that depends on the order the stage reads them in.
     */
    private String[] segmentAt(String userId, long timeMs, boolean afterRegistration) {
        Event registration = registrations.get(userId);
        if (registration == null) {
            return new String[] {UNKNOWN, UNKNOWN, UNKNOWN};
        }
        if (afterRegistration && timeMs <= registration.timestampMs()) {
            throw new IllegalStateException("User " + userId + " has an event at " + timeMs + ", not after their "
                    + "registration at " + registration.timestampMs() + ": its segment depends on the reading order");
        }
        return new String[] {ageBand(registration.age()), registration.language(), registration.domain()};
    }

    private static String[] allSegment() {
        return new String[] {ALL, ALL, ALL};
    }

    /** Starts of the windows that contain the time: aligned to the advance, within one size before it. */
    private List<Long> windowStarts(long timeMs) {
        List<Long> starts = new ArrayList<>();
        long latest = Math.floorDiv(timeMs, settings.advanceMs()) * settings.advanceMs();
        for (long start = latest; start > timeMs - settings.sizeMs(); start -= settings.advanceMs()) {
            starts.add(start);
        }
        return starts;
    }

    /** Each partition's stream time at the end: its largest timestamp, the watermarks included. */
    private static Map<Integer, Long> partitionStreamTimes(List<Event> events, Map<Integer, Map<String, Long>> watermarks) {
        Map<Integer, Long> times = new HashMap<>();
        events.forEach(event -> times.merge(event.partition(), event.timestampMs(), Math::max));
        watermarks.forEach((partition, byTopic) ->
                byTopic.values().forEach(time -> times.merge(partition, time, Math::max)));
        return times;
    }

    /**
     * The watermark the windows receive: a partition's is the smallest of its six topics', and the windows wait
     * for every partition's.
     */
    private static long releasedWatermark(Map<Integer, Map<String, Long>> watermarks) {
        long released = Long.MAX_VALUE;
        for (Map<String, Long> byTopic : watermarks.values()) {
            if (!byTopic.keySet().containsAll(INPUT_TOPICS)) {
                return Long.MIN_VALUE;
            }
            released = Math.min(released, Collections.min(byTopic.values()));
        }
        return watermarks.isEmpty() ? Long.MIN_VALUE : released;
    }

    /**
     * Walks each session's events in time order and adds each ended session to the windows of its end.
     *
     * @return (end, duration) of every session that ended
     */
    private List<long[]> sessions(List<Event> events, Map<Integer, Long> partitionTimes) {
        Map<String, List<Event>> bySession = new LinkedHashMap<>();
        for (Event event : events) {
            if (event.sessionId() != null) {
                bySession.computeIfAbsent(event.userId() + "/" + event.sessionId(), k -> new ArrayList<>()).add(event);
            }
        }
        List<long[]> ended = new ArrayList<>();
        long timeout = settings.sessionTimeoutMs();
        for (List<Event> session : bySession.values()) {
            session.sort(Comparator.comparingLong(Event::timestampMs));
            Event first = session.get(0);
            if (!first.topic().equals(SIGN_IN)) {
                throw new IllegalStateException("Session " + first.sessionId() + " of " + first.userId()
                        + " does not start with its sign-in; the expectations assume perfect input");
            }
            long start = first.timestampMs();
            long last = start;
            long[] end = null;
            for (Event event : session.subList(1, session.size())) {
                if (event.timestampMs() >= last + timeout) {
                    end = new long[] {last + timeout, last - start};
                    break;
                }
                if (event.topic().equals(SIGN_OUT)) {
                    end = new long[] {event.timestampMs(), Math.max(0, event.timestampMs() - start)};
                    break;
                }
                last = Math.max(last, event.timestampMs());
            }
            if (end == null && last + timeout <= partitionTimes.get(first.partition())) {
                end = new long[] {last + timeout, last - start};
            }
            if (end == null) {
                sessionsLeftOpen++;
                continue;
            }
            sessionsEnded++;
            ended.add(end);
            String[] segment = segmentAt(first.userId(), end[0], true);
            for (long windowStart : windowStarts(end[0])) {
                for (String[] key : List.of(segment, allSegment())) {
                    windows.computeIfAbsent(new WindowKey(key, windowStart), k -> new Window())
                            .sessionDurations.add(end[1]);
                }
            }
        }
        return ended;
    }

    private void emitClosedWindows() {
        METRICS.forEach(metric -> rows.put(metric, new TreeMap<>()));
        windows.forEach((key, window) -> {
            if (key.start() + settings.sizeMs() > windowStreamTimeMs - settings.graceMs()) {
                windowsLeftOpen++;
                return;
            }
            String[] segment = key.segment();
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

    private void put(String metric, String[] segment, long start, Map<String, Object> fields) {
        rows.get(metric).put(new RowKey(metric, segment[0], segment[1], segment[2], start), fields);
    }

    private static Double rate(long numerator, long denominator) {
        return denominator == 0 ? null : (double) numerator / denominator;
    }

    /**
     * The last row of each user. Within a run shorter than every threshold of the lifecycle and value segments,
     * only events change a row: the registration, and each check-out (the count, and perhaps the value segment).
     */
    private void userRows(List<Event> events, Map<Integer, Long> partitionTimes) {
        Map<String, List<Event>> byUser = new HashMap<>();
        events.forEach(event -> byUser.computeIfAbsent(event.userId(), k -> new ArrayList<>()).add(event));
        byUser.forEach((userId, userEvents) -> {
            Event registration = registrations.get(userId);
            long firstEvent = userEvents.stream().mapToLong(Event::timestampMs).min().orElseThrow();
            long lastActivity = userEvents.stream().mapToLong(Event::timestampMs).max().orElseThrow();
            List<Event> checkOuts = userEvents.stream().filter(e -> e.topic().equals(CHECK_OUT)).toList();
            long revenue = checkOuts.stream().mapToLong(Event::totalCents).sum();
            Long lastCheckOut = checkOuts.stream().map(Event::timestampMs).max(Long::compare).orElse(null);
            long end = partitionTimes.get(userEvents.get(0).partition());
            long firstTimedChange = Math.min(lastActivity + settings.atRiskMs(),
                    lastCheckOut == null ? Long.MAX_VALUE : lastCheckOut + settings.recencyMs());
            if (registration != null) {
                firstTimedChange = Math.min(firstTimedChange, registration.timestampMs() + settings.newMs());
            }
            if (firstTimedChange <= end) {
                throw new IllegalStateException("User " + userId + "'s segments change with time alone before the end "
                        + "of the run; keep the run shorter than the lifecycle and value thresholds");
            }
            String lifecycle = registration != null ? "new" : "active";
            String value;
            if (checkOuts.isEmpty()) {
                value = "none";
            } else {
                int bars = (checkOuts.size() >= settings.highOrders() ? 1 : 0)
                        + (revenue >= settings.highRevenueCents() ? 1 : 0);
                value = bars == 2 ? "high" : bars == 1 ? "medium" : "low";
            }
            long asOf = Math.max(registration == null ? firstEvent : registration.timestampMs(),
                    lastCheckOut == null ? Long.MIN_VALUE : lastCheckOut);
            String[] segment = registration == null ? new String[] {UNKNOWN, UNKNOWN, UNKNOWN}
                    : new String[] {ageBand(registration.age()), registration.language(), registration.domain()};
            users.put(userId, new UserRow(segment[0], segment[1], segment[2], lifecycle, value,
                    registration == null ? null : registration.timestampMs(), checkOuts.size(), revenue,
                    lastCheckOut, asOf));
        });
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
        return counts;
    }
}
