package dev.segmentation.simulator.journey;

import static dev.segmentation.simulator.journey.TestJourneys.START;
import static dev.segmentation.simulator.journey.TestJourneys.run;
import static dev.segmentation.simulator.journey.TestJourneys.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.segmentation.events.EventType;

/**
 * The journey model checked the way a downstream consumer would see it: replaying the sent events in order and
 * keeping its own books of users, sessions and carts.
 */
class JourneyInvariantsTest {

    private static List<PlannedEvent> events;

    @BeforeAll
    static void simulate() {
        events = run(new JourneySimulator(settings(2026, Imperfections.NONE), SimulationState.initial(START)), 60_000);
    }

    @Test
    void noEventRefersToAUserSessionOrCartThatDoesNotExistYet() {
        List<String> violations = new ArrayList<>();
        Set<String> users = new HashSet<>();
        Map<String, String> sessionOwner = new HashMap<>();
        Set<String> closedSessions = new HashSet<>();
        Map<String, Long> cartTotal = new HashMap<>();
        Map<String, Integer> cartUnits = new HashMap<>();
        Set<String> paidCarts = new HashSet<>();
        for (PlannedEvent event : events) {
            Struct value = event.value();
            String user = value.getString("user_id");
            String what = event.type() + " " + event.eventId() + ": ";
            if (!user.equals(event.userId())) {
                violations.add(what + "key differs from user_id");
            }
            if (event.type() == EventType.USER_REGISTRATION) {
                if (!users.add(user)) {
                    violations.add(what + user + " registers twice");
                }
                continue;
            }
            if (!users.contains(user)) {
                violations.add(what + user + " has not registered");
            }
            String session = value.getString("session_id");
            if (event.type() == EventType.SIGN_IN) {
                if (sessionOwner.put(session, user) != null) {
                    violations.add(what + "session " + session + " opens twice");
                }
                continue;
            }
            if (!user.equals(sessionOwner.get(session)) || closedSessions.contains(session)) {
                violations.add(what + "session " + session + " is not an open session of " + user);
            }
            switch (event.type()) {
                case ADD_TO_CART -> {
                    String cart = value.getString("cart_id");
                    if (paidCarts.contains(cart)) {
                        violations.add(what + "cart " + cart + " was already paid");
                    }
                    cartTotal.merge(cart, value.getInt32("quantity") * value.getInt64("price_cents"), Long::sum);
                    cartUnits.merge(cart, value.getInt32("quantity"), Integer::sum);
                }
                case CHECK_OUT -> {
                    String cart = value.getString("cart_id");
                    if (!cartTotal.containsKey(cart) || !paidCarts.add(cart)) {
                        violations.add(what + "cart " + cart + " does not exist or is paid twice");
                    } else if (!value.getInt64("total_cents").equals(cartTotal.get(cart))
                            || !value.getInt32("item_count").equals(cartUnits.get(cart))) {
                        violations.add(what + "total or item count differs from the cart's lines");
                    }
                }
                case SIGN_OUT -> closedSessions.add(session);
                default -> { }
            }
        }
        assertThat(violations).isEmpty();
        assertThat(paidCarts).hasSizeGreaterThan(100);
        assertThat(closedSessions).hasSizeGreaterThan(1_000);
    }

    @Test
    void perfectDataIsSentInEventTimeOrderWithUniqueIds() {
        for (int i = 1; i < events.size(); i++) {
            PlannedEvent event = events.get(i);
            if (event.eventTimeMs() < events.get(i - 1).eventTimeMs() || event.position().sendTimeMs() != event.eventTimeMs()) {
                assertThat(event).as("sent out of event-time order").isNull();
            }
        }
        assertThat(events.stream().map(PlannedEvent::eventId).distinct().count()).isEqualTo(events.size());
        assertThat(events).allSatisfy(e ->
                assertThat(((java.util.Date) e.value().get("event_time")).getTime()).isEqualTo(e.eventTimeMs()));
    }

    @Test
    void everyEventTypeOccursAndValuesValidateAgainstTheirSchemas() {
        Map<EventType, Long> counts = new HashMap<>();
        for (PlannedEvent event : events) {
            event.value().validate();
            counts.merge(event.type(), 1L, Long::sum);
        }
        assertThat(counts).containsOnlyKeys(EventType.values());
        // Registrations are a quarter of the sessions (600 of 2,400 per hour); every session signs in once.
        assertThat((double) counts.get(EventType.USER_REGISTRATION) / counts.get(EventType.SIGN_IN))
                .isCloseTo(0.25, within(0.02));
        assertThat((double) counts.get(EventType.SIGN_OUT) / counts.get(EventType.SIGN_IN)).isCloseTo(0.8, within(0.02));
        assertThat((double) counts.get(EventType.ITEM_VIEW) / counts.get(EventType.SIGN_IN)).isCloseTo(6.0, within(0.3));
    }

    @Test
    void registrationAttributesFollowTheConfiguredSkewedDistributions() {
        List<Struct> registrations = events.stream().filter(e -> e.type() == EventType.USER_REGISTRATION)
                .map(PlannedEvent::value).toList();
        assertThat(registrations.size()).isGreaterThan(1_000);
        assertShares(registrations, "preferred_language", TestJourneys.PROFILES.languages());
        assertShares(registrations, "email_domain", TestJourneys.PROFILES.emailDomains());
        assertShares(registrations, "country", TestJourneys.PROFILES.countries());
        assertShares(registrations, "acquisition_channel", TestJourneys.PROFILES.channels());
        Weighted bands = TestJourneys.PROFILES.ageBands();
        for (int i = 0; i < bands.values().size(); i++) {
            AgeBand band = AgeBand.parse(bands.values().get(i));
            long inBand = registrations.stream()
                    .filter(r -> r.getInt32("age") >= band.lowest() && r.getInt32("age") <= band.highest()).count();
            assertThat((double) inBand / registrations.size()).as("band %s", band)
                    .isCloseTo(bands.probability(i), within(0.035));
        }
        assertThat(registrations).allSatisfy(r ->
                assertThat(r.getString("email_masked")).matches("[a-z]\\*\\*\\*@" + r.getString("email_domain")));
    }

    private static void assertShares(List<Struct> registrations, String field, Weighted distribution) {
        for (int i = 0; i < distribution.values().size(); i++) {
            String value = distribution.values().get(i);
            long count = registrations.stream().filter(r -> value.equals(r.getString(field))).count();
            assertThat((double) count / registrations.size()).as("%s = %s", field, value)
                    .isCloseTo(distribution.probability(i), within(0.035));
        }
    }
}
