package dev.segmentation.simulator.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JourneySimulatorTest {

    private static final long START = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    private static List<SimulatedEvent> run(JourneySimulator simulator, SimulationState from, int count) {
        List<SimulatedEvent> events = new ArrayList<>();
        SimulationState state = from;
        for (int i = 0; i < count; i++) {
            JourneySimulator.Step step = simulator.next(state);
            events.add(step.event());
            state = step.nextState();
        }
        return events;
    }

    @Test
    void sameSeedGivesSameEventsAndOtherSeedDoesNot() {
        List<SimulatedEvent> first = run(new JourneySimulator(7, 0, 600), SimulationState.initial(START), 200);
        List<SimulatedEvent> again = run(new JourneySimulator(7, 0, 600), SimulationState.initial(START), 200);
        List<SimulatedEvent> other = run(new JourneySimulator(8, 0, 600), SimulationState.initial(START), 200);

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void resumingFromAnyStateContinuesTheUninterruptedRun() {
        JourneySimulator simulator = new JourneySimulator(42, 1, 600);
        List<SimulatedEvent> uninterrupted = run(simulator, SimulationState.initial(START), 100);

        SimulationState state = SimulationState.initial(START);
        for (int i = 0; i < 60; i++) {
            state = simulator.next(state).nextState();
        }
        SimulationState restored = SimulationState.fromOffset(state.toOffset());
        List<SimulatedEvent> resumed = run(new JourneySimulator(42, 1, 600), restored, 40);

        assertThat(resumed).isEqualTo(uninterrupted.subList(60, 100));
    }

    @Test
    void eventTimesIncreaseAndIdsAreUniqueAcrossTasks() {
        List<SimulatedEvent> task0 = run(new JourneySimulator(42, 0, 600), SimulationState.initial(START), 1000);
        List<SimulatedEvent> task1 = run(new JourneySimulator(42, 1, 600), SimulationState.initial(START), 1000);

        for (int i = 1; i < task0.size(); i++) {
            assertThat(task0.get(i).eventTimeMs()).isGreaterThan(task0.get(i - 1).eventTimeMs());
        }
        HashSet<Object> ids = new HashSet<>();
        HashSet<Object> users = new HashSet<>();
        for (SimulatedEvent event : concat(task0, task1)) {
            ids.add(event.value().get("event_id"));
            users.add(event.userId());
            assertThat(event.value().get("user_id")).isEqualTo(event.userId());
            assertThat(((java.util.Date) event.value().get("event_time")).getTime()).isEqualTo(event.eventTimeMs());
        }
        assertThat(ids).hasSize(2000);
        assertThat(users).hasSize(2000);
    }

    @Test
    void arrivalRateAndAttributeSkewMatchTheConfiguration() {
        int events = 20_000;
        List<SimulatedEvent> run = run(new JourneySimulator(3, 0, 600), SimulationState.initial(START), events);

        double hours = (run.get(events - 1).eventTimeMs() - START) / 3_600_000.0;
        assertThat(events / hours).isCloseTo(600.0, within(600.0 * 0.03));

        Map<Object, Integer> languages = new HashMap<>();
        run.forEach(event -> languages.merge(event.value().get("preferred_language"), 1, Integer::sum));
        assertThat(languages.get("en") / (double) events).isCloseTo(0.45, within(0.015));
        assertThat(languages.get("ja") / (double) events).isCloseTo(0.05, within(0.01));
        run.forEach(event -> assertThat((int) event.value().get("age")).isBetween(18, 80));
        run.forEach(event -> assertThat((String) event.value().get("email_masked"))
                .endsWith("@" + event.value().get("email_domain")));
    }

    private static List<SimulatedEvent> concat(List<SimulatedEvent> a, List<SimulatedEvent> b) {
        List<SimulatedEvent> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
