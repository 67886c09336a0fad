package dev.segmentation.window;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import dev.segmentation.window.TestEvents.Event;

/**
 * Realistic input for the topology tests, written for the tests: users register, then come back for sessions of
 * sign-in, item views, cart additions, maybe a check-out, and a sign-out unless they abandon the session. Each
 * record may then be sent late (within or beyond the grace period, or beyond the deduplication horizon), slightly
 * out of order, twice, malformed, or with a later writer schema; a few records are not events at all. The result
 * is the arrival order, ending with a watermark on every topic. Everything follows from the seed.
 */
final class JourneyGenerator {

    private static final long SECOND = 1_000L;
    private static final long MINUTE = 60 * SECOND;
    private static final String[] LANGUAGES = {"en", "de", "fr", "es"};
    private static final String[] DOMAINS = {"gmail.com", "outlook.com", "web.de"};

    private final SplittableRandom random;
    private final long startMs;
    private final long spanMs;
    private final int users;
    private final boolean imperfect;
    private final List<Planned> planned = new ArrayList<>();
    private long nextEventId;
    private long sequence;

    /** An arrival and when it is sent; ties keep planning order. */
    private record Planned(long sendMs, long sequence, Arrival arrival) {
    }

    JourneyGenerator(long seed, long startMs, long spanMs, int users) {
        this(seed, startMs, spanMs, users, true);
    }

    /** @param imperfect whether to send some records late, twice, malformed or not as events at all */
    JourneyGenerator(long seed, long startMs, long spanMs, int users, boolean imperfect) {
        this.random = new SplittableRandom(seed);
        this.startMs = startMs;
        this.spanMs = spanMs;
        this.users = users;
        this.imperfect = imperfect;
    }

    /** The arrivals, with watermarks {@code watermarkLeadMs} after the latest event on every topic. */
    List<Arrival> generate(long watermarkLeadMs) {
        for (int u = 0; u < users; u++) {
            user("u" + u);
        }
        for (int i = 0; i < (imperfect ? 4 : 0); i++) {
            String topic = TestEvents.TOPICS.get(random.nextInt(TestEvents.TOPICS.size()));
            long at = startMs + random.nextLong(spanMs);
            Arrival.Kind kind = List.of(Arrival.Kind.GARBAGE, Arrival.Kind.UNKNOWN_SCHEMA, Arrival.Kind.NULL_VALUE)
                    .get(i % 3);
            plan(at, Arrival.broken(kind, topic, "u" + random.nextInt(users), at));
        }
        planned.sort(Comparator.comparingLong(Planned::sendMs).thenComparingLong(Planned::sequence));
        List<Arrival> arrivals = new ArrayList<>(planned.stream().map(Planned::arrival).toList());
        long lastEvent = arrivals.stream().mapToLong(Arrival::timestampMs).max().orElse(startMs);
        TestEvents.TOPICS.forEach(topic -> arrivals.add(Arrival.watermark(topic, lastEvent + watermarkLeadMs)));
        return arrivals;
    }

    private void user(String userId) {
        long time = startMs + random.nextLong(spanMs * 2 / 3);
        int age = 16 + random.nextInt(60);
        String language = LANGUAGES[random.nextInt(LANGUAGES.length)];
        String domain = DOMAINS[random.nextInt(DOMAINS.length)];
        send(Event.registration(id(), userId, time, age, language, domain));
        int sessions = 1 + random.nextInt(3);
        for (int s = 0; s < sessions; s++) {
            time += 20 * SECOND + (s == 0 ? 0 : (long) (-Math.log(1 - random.nextDouble()) * 50 * MINUTE));
            if (time > startMs + spanMs) {
                return;
            }
            time = session(userId, userId + "-s" + s, time);
        }
    }

    private long session(String userId, String sessionId, long time) {
        send(Event.inSession(TestEvents.SIGN_IN, id(), userId, time, sessionId));
        int views = 1 + random.nextInt(6);
        boolean carted = false;
        for (int v = 0; v < views; v++) {
            time += Math.min(8 * MINUTE, (long) (-Math.log(1 - random.nextDouble()) * MINUTE));
            send(Event.inSession(TestEvents.ITEM_VIEW, id(), userId, time, sessionId));
            if (random.nextDouble() < 0.25) {
                time += 10 * SECOND;
                send(Event.inSession(TestEvents.ADD_TO_CART, id(), userId, time, sessionId));
                carted = true;
            }
        }
        if (carted && random.nextDouble() < 0.6) {
            time += 45 * SECOND;
            send(Event.checkOut(id(), userId, time, sessionId, 500 + random.nextLong(20_000)));
        }
        if (random.nextDouble() < 0.75) {
            time += 15 * SECOND;
            send(Event.inSession(TestEvents.SIGN_OUT, id(), userId, time, sessionId));
        }
        return time;
    }

    /** Plans the sending of one event, with at most one imperfection, and maybe the later writer schema. */
    private void send(Event event) {
        boolean evolved = random.nextDouble() < 0.08;
        double u = imperfect ? random.nextDouble() : 1.0;
        long delay = 0;
        Event sent = event;
        boolean duplicate = false;
        if ((u -= 0.06) < 0) {
            delay = MINUTE + random.nextLong(13 * MINUTE);          // late, mostly within grace
        } else if ((u -= 0.05) < 0) {
            delay = 16 * MINUTE + random.nextLong(70 * MINUTE);     // late beyond grace for some windows
        } else if ((u -= 0.005) < 0) {
            delay = 150 * MINUTE + random.nextLong(30 * MINUTE);    // beyond the deduplication horizon
        } else if ((u -= 0.05) < 0) {
            delay = 5 * SECOND + random.nextLong(85 * SECOND);      // slightly out of order
        } else if ((u -= 0.04) < 0) {
            duplicate = true;
        } else if ((u -= 0.01) < 0) {
            sent = event.malformed();
        }
        plan(event.timeMs() + delay, Arrival.event(sent, event.userId(), evolved));
        if (duplicate) {
            plan(event.timeMs() + random.nextLong(30 * SECOND), Arrival.event(event, event.userId(), !evolved));
        }
    }

    private void plan(long sendMs, Arrival arrival) {
        planned.add(new Planned(sendMs, sequence++, arrival));
    }

    private String id() {
        return "ev-" + nextEventId++;
    }
}
