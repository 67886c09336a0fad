package dev.segmentation.simulator.journey;

import static dev.segmentation.simulator.journey.TestJourneys.START;
import static dev.segmentation.simulator.journey.TestJourneys.run;
import static dev.segmentation.simulator.journey.TestJourneys.settings;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class JourneySimulatorTest {

    private static final Imperfections SOME_OF_EVERYTHING = new Imperfections(0.05, 1_800_000, 0.05, 60_000, 0.05, 0.05);

    @Test
    void sameSeedGivesSameEventsAndOtherSeedDoesNot() {
        List<PlannedEvent> first = run(new JourneySimulator(settings(7, Imperfections.NONE), SimulationState.initial(START)), 2_000);
        List<PlannedEvent> again = run(new JourneySimulator(settings(7, Imperfections.NONE), SimulationState.initial(START)), 2_000);
        List<PlannedEvent> other = run(new JourneySimulator(settings(8, Imperfections.NONE), SimulationState.initial(START)), 2_000);

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void resumingFromTheStateAfterAnyEventContinuesTheUninterruptedRun() {
        JourneySettings settings = settings(11, SOME_OF_EVERYTHING);
        JourneySimulator uninterrupted = new JourneySimulator(settings, SimulationState.initial(START));
        List<PlannedEvent> expected = new java.util.ArrayList<>();
        List<SimulationState> states = new java.util.ArrayList<>();
        for (int i = 0; i < 6_000; i++) {
            expected.add(uninterrupted.next());
            states.add(uninterrupted.state());
        }
        SplittableRandom cuts = new SplittableRandom(3);
        for (int cut = 0; cut < 60; cut++) {
            int after = cuts.nextInt(5_800);
            // Through the offset map, as the worker stores it.
            SimulationState restored = SimulationState.fromOffset(states.get(after).toOffset());
            List<PlannedEvent> resumed = run(new JourneySimulator(settings, restored), 150);
            assertThat(resumed).as("resumed after event %d", after).isEqualTo(expected.subList(after + 1, after + 151));
        }
    }

    @Test
    void imperfectionsChangeHowEventsAreSentNeverWhichJourneysHappen() {
        List<PlannedEvent> perfect = run(new JourneySimulator(settings(5, Imperfections.NONE), SimulationState.initial(START)), 3_000);
        Imperfections briefDelays = new Imperfections(0.05, 60_000, 0.05, 10_000, 0.05, 0.05);
        List<PlannedEvent> imperfect = run(new JourneySimulator(settings(5, briefDelays), SimulationState.initial(START)), 3_500);

        Map<String, PlannedEvent> imperfectById = new HashMap<>();
        imperfect.forEach(event -> imperfectById.putIfAbsent(event.eventId(), event));
        // Every perfect event sent early enough to be overtaken by nothing exists in the imperfect run too.
        for (PlannedEvent event : perfect.subList(0, 2_000)) {
            PlannedEvent twin = imperfectById.get(event.eventId());
            assertThat(twin).as(event.eventId()).isNotNull();
            assertThat(twin.eventTimeMs()).isEqualTo(event.eventTimeMs());
            assertThat(twin.type()).isEqualTo(event.type());
        }
    }

    @Test
    void imperfectionsComeInTheConfiguredShares() {
        Imperfections wanted = new Imperfections(0.10, 600_000, 0.05, 30_000, 0.04, 0.02);
        List<PlannedEvent> events = run(new JourneySimulator(settings(9, wanted), SimulationState.initial(START)), 40_000);

        long duplicates = events.size() - events.stream().map(PlannedEvent::eventId).distinct().count();
        long malformed = events.stream().filter(PlannedEvent::malformed).count();
        long delayed = events.stream().filter(e -> e.position().sendTimeMs() > e.eventTimeMs()).count();
        long beyondDisorder = events.stream().filter(e -> e.position().sendTimeMs() - e.eventTimeMs() > 30_000).count();
        int n = events.size();

        assertThat((double) duplicates / n).isBetween(0.03, 0.05);
        assertThat((double) malformed / n).isBetween(0.015, 0.025);
        assertThat((double) delayed / n).isBetween(0.13, 0.17);
        // Out-of-order delays stop at 30 s; only late events go further, and never past 10 minutes.
        assertThat((double) beyondDisorder / n).isBetween(0.08, 0.11);
        assertThat(events).allSatisfy(e -> assertThat(e.position().sendTimeMs() - e.eventTimeMs()).isBetween(0L, 600_001L));
        // Sending order is the total order of positions.
        for (int i = 1; i < n; i++) {
            assertThat(events.get(i).position()).isGreaterThan(events.get(i - 1).position());
        }
    }

    @Test
    void tasksSimulateDisjointUsers() {
        JourneySettings task0 = settings(4, Imperfections.NONE);
        JourneySettings task1 = new JourneySettings(4, 1, 600, 1_800, 6, 0.2, 0.45, 0.8, TestJourneys.PROFILES,
                Imperfections.NONE);
        List<PlannedEvent> first = run(new JourneySimulator(task0, SimulationState.initial(START)), 1_000);
        List<PlannedEvent> second = run(new JourneySimulator(task1, SimulationState.initial(START)), 1_000);

        assertThat(first).extracting(PlannedEvent::userId).allMatch(id -> id.startsWith("u0-"));
        assertThat(second).extracting(PlannedEvent::userId).allMatch(id -> id.startsWith("u1-"));
        assertThat(second).extracting(PlannedEvent::eventId).doesNotContainAnyElementsOf(
                first.stream().map(PlannedEvent::eventId).toList());
    }
}
