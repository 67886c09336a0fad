package dev.segmentation.simulator.journey;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

import dev.segmentation.events.EventType;

/**
 * Plans sessions as a pure function of their {@link SessionCursor}: a new user's registration or a returning
 * user's visit, then sign-in, item views, cart additions, a check-out, and a sign-out unless abandoned.
 *
 * <p>The session's own random stream decides the journey; a second stream decides the imperfections, so turning
 * late or duplicate events on changes how events are sent, never which journeys happen.
 */
final class SessionPlanner {

    private static final long SESSION_STREAM = 0x5EED_0003L;
    private static final long IMPERFECTION_STREAM = 0x5EED_0004L;
    private static final long RETURNING_STREAM = 0x5EED_0005L;
    private static final long EVENT_ID_STREAM = 0x5EED_0006L;
    private static final int MAX_VIEWS = 50;
    /** Think time between two views is capped, which bounds how long a session can last. */
    private static final long MAX_THINK_MS = 10 * 60_000L;
    private static final Weighted PAYMENT_METHODS = Weighted.parse("card:62,paypal:18,apple_pay:9,google_pay:7,"
            + "bank_transfer:4");

    private final JourneySettings settings;
    private final Population population;
    private final Catalog catalog;

    SessionPlanner(JourneySettings settings) {
        this.settings = settings;
        this.population = new Population(settings);
        this.catalog = new Catalog(settings.seed());
    }

    /** The walk through the session that {@code cursor} starts. */
    SessionWalk start(SessionCursor cursor) {
        SplittableRandom random = Randoms.of(settings.seed(), settings.taskIndex(), SESSION_STREAM, cursor.index());
        long gapMs = Randoms.exponentialMs(random, settings.meanSessionGapMs());
        boolean newUser = cursor.usersBefore() == 0 || random.nextDouble() < settings.newUserShare();
        UserProfile user = newUser ? population.user(cursor.usersBefore()) : returningUser(cursor);
        SessionCursor next = new SessionCursor(cursor.index() + 1, cursor.startMs() + gapMs,
                cursor.usersBefore() + (newUser ? 1 : 0));
        return new SessionWalk(cursor, next, user, random, newUser);
    }

    /**
     * Picks who comes back: recent users more often than old ones (so old users drift to at-risk and dormant),
     * and engaged users more often than casual ones.
     */
    private UserProfile returningUser(SessionCursor cursor) {
        SplittableRandom random = Randoms.of(settings.seed(), settings.taskIndex(), RETURNING_STREAM, cursor.index());
        UserProfile candidate = null;
        for (int attempt = 0; attempt < 8; attempt++) {
            long index = Math.min(cursor.usersBefore() - 1,
                    (long) (cursor.usersBefore() * Math.cbrt(random.nextDouble())));
            candidate = population.user(index);
            if (random.nextDouble() < candidate.engagement()) {
                break;
            }
        }
        return candidate;
    }

    /**
     * Walks one session forward in event time, one event at a time: a new user's registration, sign-in, item
     * views with cart additions, a check-out, and a sign-out unless abandoned.
     *
     * <p>Each event is built only when the simulator is about to send it, so its objects are still in the
     * processor's caches when the record is converted; a session planned whole leaves its later events to go cold
     * while hundreds of other sessions send theirs. The walk draws from its random streams in the same order
     * whatever the pace at which it is stepped, so the events are the same either way.
     *
     * <p>Once an event is built, the walk draws the time of the next one at once ({@link #timeMs()}): the
     * simulator needs it to know that nothing of this session is due before then.
     */
    final class SessionWalk {

        private enum Step { REGISTRATION, SIGN_IN, ITEM_VIEW, ADD_TO_CART, CHECK_OUT, SIGN_OUT, DONE }

        private final SessionCursor cursor;
        private final SessionCursor next;
        private final UserProfile user;
        private final SplittableRandom random;
        private final SplittableRandom imperfections;
        private final String sessionId;
        private final String cartId;
        private final double addChance;
        private final double continueChance;
        private final double checkOutChance;
        /** The events of the last step: one, or two for a duplicate. */
        private final List<PlannedEvent> stepped = new ArrayList<>(2);
        private Step step;
        private long timeMs;
        private int eventCount;
        private int views;
        private Catalog.Item viewed;
        private long cartTotal;
        private int cartUnits;

        private SessionWalk(SessionCursor cursor, SessionCursor next, UserProfile user, SplittableRandom random,
                            boolean newUser) {
            this.cursor = cursor;
            this.next = next;
            this.user = user;
            this.random = random;
            this.imperfections = Randoms.of(settings.seed(), settings.taskIndex(), IMPERFECTION_STREAM,
                    cursor.index());
            this.sessionId = "s" + settings.taskIndex() + "-" + cursor.index();
            this.cartId = "c" + settings.taskIndex() + "-" + cursor.index();
            double eagerness = 0.5 + user.engagement();
            this.addChance = Math.min(1.0, settings.addToCartProbability() * eagerness);
            this.continueChance = 1.0 - 1.0 / settings.meanViewsPerSession();
            this.checkOutChance = Math.min(1.0, settings.checkOutProbability() * eagerness);
            this.step = newUser ? Step.REGISTRATION : Step.SIGN_IN;
            this.timeMs = cursor.startMs();
        }

        /** The session this walk goes through. */
        SessionCursor cursor() {
            return cursor;
        }

        /** The session that starts after this one. */
        SessionCursor next() {
            return next;
        }

        /** Whether every event of the session has been stepped through. */
        boolean done() {
            return step == Step.DONE;
        }

        /** The event time of the next event, before which none of this session's events is sent. */
        long timeMs() {
            return timeMs;
        }

        /**
         * Builds the next event, then draws what comes after it.
         *
         * @return the event, twice for a duplicate; valid until the next step
         */
        List<PlannedEvent> step() {
            stepped.clear();
            switch (step) {
                case REGISTRATION -> {
                    add(EventType.USER_REGISTRATION)
                            .put("age", user.age())
                            .put("email_masked", user.emailInitial() + "***@" + user.emailDomain())
                            .put("email_domain", user.emailDomain())
                            .put("preferred_language", user.preferredLanguage())
                            .put("country", user.country())
                            .put("acquisition_channel", user.acquisitionChannel())
                            .put("device", user.device());
                    after(20_000);
                    step = Step.SIGN_IN;
                }
                case SIGN_IN -> {
                    String device = random.nextDouble() < 0.8 ? user.device()
                            : settings.profiles().devices().draw(random);
                    add(EventType.SIGN_IN).put("session_id", sessionId).put("device", device);
                    nextView();
                }
                case ITEM_VIEW -> {
                    viewed = catalog.draw(random);
                    add(EventType.ITEM_VIEW).put("session_id", sessionId).put("item_id", viewed.id())
                            .put("category", viewed.category()).put("price_cents", viewed.priceCents());
                    views++;
                    if (random.nextDouble() < addChance) {
                        after(8_000);
                        step = Step.ADD_TO_CART;
                    } else {
                        viewAgainOrMoveOn();
                    }
                }
                case ADD_TO_CART -> {
                    int quantity = random.nextDouble() < 0.8 ? 1 : random.nextInt(2, 5);
                    add(EventType.ADD_TO_CART).put("session_id", sessionId).put("cart_id", cartId)
                            .put("item_id", viewed.id()).put("quantity", quantity)
                            .put("price_cents", viewed.priceCents());
                    cartTotal += quantity * viewed.priceCents();
                    cartUnits += quantity;
                    viewAgainOrMoveOn();
                }
                case CHECK_OUT -> {
                    add(EventType.CHECK_OUT).put("session_id", sessionId).put("cart_id", cartId)
                            .put("payment_method", PAYMENT_METHODS.draw(random)).put("item_count", cartUnits)
                            .put("total_cents", cartTotal);
                    signOutOrAbandon();
                }
                case SIGN_OUT -> {
                    add(EventType.SIGN_OUT).put("session_id", sessionId);
                    step = Step.DONE;
                }
                case DONE -> throw new IllegalStateException("session " + cursor.index() + " has no more events");
            }
            return stepped;
        }

        private void nextView() {
            timeMs += Math.min(MAX_THINK_MS, Randoms.exponentialMs(random, 30_000));
            step = Step.ITEM_VIEW;
        }

        private void viewAgainOrMoveOn() {
            if (views < MAX_VIEWS && random.nextDouble() < continueChance) {
                nextView();
            } else if (cartUnits > 0 && random.nextDouble() < checkOutChance) {
                after(45_000);
                step = Step.CHECK_OUT;
            } else {
                signOutOrAbandon();
            }
        }

        private void signOutOrAbandon() {
            if (random.nextDouble() < settings.signOutProbability()) {
                after(15_000);
                step = Step.SIGN_OUT;
            } else {
                step = Step.DONE;
            }
        }

        private void after(double meanMs) {
            timeMs += Randoms.exponentialMs(random, meanMs);
        }

        /** Adds an event at the current time and returns its value for the caller to fill. */
        private EventValues add(EventType type) {
            int index = eventCount++;
            EventValues value = new EventValues(EventSchemas.of(type))
                    .put("event_id", eventId(index))
                    .put("user_id", user.userId())
                    .put("event_time", new Date(timeMs))
                    .put("schema_version", EventSchemas.SCHEMA_VERSION);
            Imperfections wanted = settings.imperfections();
            double u = imperfections.nextDouble();
            long delayMs = 0;
            boolean malformed = false;
            boolean duplicate = false;
            if ((u -= wanted.lateFraction()) < 0) {
                delayMs = 1 + imperfections.nextLong(Math.max(1, wanted.maxLatenessMs()));
            } else if ((u -= wanted.outOfOrderFraction()) < 0) {
                delayMs = 1 + imperfections.nextLong(Math.max(1, wanted.maxDisorderMs()));
            } else if ((u -= wanted.duplicateFraction()) < 0) {
                duplicate = true;
            } else if (u - wanted.malformedFraction() < 0) {
                malformed = true;
            }
            long sendMs = timeMs + delayMs;
            stepped.add(new PlannedEvent(new Position(sendMs, cursor.index(), index, 0), type, user.userId(), timeMs,
                    value.struct(), malformed));
            if (duplicate) {
                stepped.add(new PlannedEvent(new Position(sendMs, cursor.index(), index, 1), type, user.userId(),
                        timeMs, value.struct(), false));
            }
            return value;
        }

        /**
         * A UUID-shaped id that is a pure function of (seed, task, session, event): two independently seeded
         * 64-bit mixes of the tuple, far cheaper than hashing a name with MD5 for every event.
         */
        private String eventId(int index) {
            long tuple = cursor.index() * 0x9E3779B97F4A7C15L + index;
            long high = Randoms.firstLong(settings.seed(), settings.taskIndex(), EVENT_ID_STREAM, tuple);
            long low = Randoms.firstLong(settings.seed(), settings.taskIndex(), EVENT_ID_STREAM + 1, tuple);
            // Version 8 (custom) and the IETF variant, so the id parses as a UUID anywhere.
            return new UUID((high & ~0xF000L) | 0x8000L, (low & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L).toString();
        }
    }
}
