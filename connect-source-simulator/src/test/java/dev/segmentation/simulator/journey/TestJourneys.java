package dev.segmentation.simulator.journey;

import java.util.ArrayList;
import java.util.List;

/** Journey settings and runs for tests, from the same defaults the connector documents. */
final class TestJourneys {

    static final long START = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    static final ProfileDistributions PROFILES = new ProfileDistributions(
            Weighted.parse("18-24:22,25-34:34,35-44:20,45-54:12,55-64:8,65+:4"),
            Weighted.parse("en:45,es:20,de:12,fr:10,pt:8,ja:5"),
            Weighted.parse("gmail.com:42,outlook.com:18,yahoo.com:12,icloud.com:10,proton.me:5,corp.example:13"),
            Weighted.parse("US:35,GB:12,DE:12,ES:10,FR:10,BR:9,IN:7,JP:5"),
            Weighted.parse("organic_search:30,paid_social:22,paid_search:18,referral:15,email:10,affiliate:5"),
            Weighted.parse("mobile_ios:35,mobile_android:35,desktop:25,tablet:5"));

    private TestJourneys() {
    }

    static JourneySettings settings(long seed, Imperfections imperfections) {
        return new JourneySettings(seed, 0, 600, 1_800, 6, 0.2, 0.45, 0.8, PROFILES, imperfections);
    }

    static List<PlannedEvent> run(JourneySimulator simulator, int count) {
        List<PlannedEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(simulator.next());
        }
        return events;
    }
}
