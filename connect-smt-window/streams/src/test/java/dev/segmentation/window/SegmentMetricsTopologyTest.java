package dev.segmentation.window;

import static dev.segmentation.window.TestEvents.HOUR;
import static dev.segmentation.window.TestEvents.MINUTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.segmentation.window.ExpectedMetrics.Funnel;
import dev.segmentation.window.ExpectedMetrics.Late;
import dev.segmentation.window.ExpectedMetrics.Revenue;
import dev.segmentation.window.ExpectedMetrics.Sessions;
import dev.segmentation.window.ExpectedMetrics.WindowKey;

/**
 * Hours of simulated journeys with every kind of imperfect data, through the application's topology, checked
 * metric by metric against {@link ExpectedMetrics}, which computes the same numbers from the same records without
 * any of the application's code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SegmentMetricsTopologyTest {

    private static final long T0 = Instant.parse("2026-03-02T06:00:00Z").toEpochMilli();
    private static final ExpectedMetrics.Settings SETTINGS = new ExpectedMetrics.Settings(HOUR, 15 * MINUTE,
            15 * MINUTE, 20 * MINUTE, 2 * HOUR, 4 * HOUR, 2 * HOUR, 5 * HOUR, 3 * HOUR, 2, 10_000);

    private SegmentationHarness harness;
    private ExpectedMetrics expected;

    static Map<String, String> settings() {
        return Map.ofEntries(
                Map.entry(SegmentationConfig.WINDOW_SIZE_CONFIG, Long.toString(SETTINGS.sizeMs())),
                Map.entry(SegmentationConfig.WINDOW_ADVANCE_CONFIG, Long.toString(SETTINGS.advanceMs())),
                Map.entry(SegmentationConfig.WINDOW_GRACE_CONFIG, Long.toString(SETTINGS.graceMs())),
                Map.entry(SegmentationConfig.SESSION_TIMEOUT_CONFIG, Long.toString(SETTINGS.sessionTimeoutMs())),
                Map.entry(SegmentationConfig.DEDUP_RETENTION_CONFIG, Long.toString(SETTINGS.dedupHorizonMs())),
                Map.entry(SegmentationConfig.LIFECYCLE_NEW_CONFIG, Long.toString(SETTINGS.newMs())),
                Map.entry(SegmentationConfig.LIFECYCLE_AT_RISK_CONFIG, Long.toString(SETTINGS.atRiskMs())),
                Map.entry(SegmentationConfig.LIFECYCLE_DORMANT_CONFIG, Long.toString(SETTINGS.dormantMs())),
                Map.entry(SegmentationConfig.VALUE_RECENCY_CONFIG, Long.toString(SETTINGS.recencyMs())),
                Map.entry(SegmentationConfig.VALUE_HIGH_ORDERS_CONFIG, Integer.toString(SETTINGS.highOrders())),
                Map.entry(SegmentationConfig.VALUE_HIGH_REVENUE_CONFIG, Long.toString(SETTINGS.highRevenueCents())));
    }

    @BeforeAll
    void runJourneys() {
        List<Arrival> arrivals = new JourneyGenerator(20260302L, T0, 6 * HOUR, 150).generate(90 * MINUTE);
        expected = ExpectedMetrics.compute(arrivals, SETTINGS);
        harness = new SegmentationHarness(settings());
        harness.sendAll(arrivals);
    }

    @AfterAll
    void close() {
        harness.close();
    }

    @Test
    void theJourneysHoldEveryKindOfImperfectData() {
        assertThat(expected.happenings).containsKeys("duplicate dropped", "dead letter undecodable",
                "dead letter invalid", "dead letter expired", "late event", "session timed out",
                "session event before its sign-in", "event before an earlier one of its user",
                "registration after its user's later events", "unknown segment", "evolved schema read");
    }

    @Test
    void registrationsPerWindowAndSegmentMatchTheIndependentComputation() {
        Map<WindowKey, Long> rows = OutputRows.windowed(read("segment_registrations"), "registrations",
                SETTINGS.sizeMs(), row -> (Long) row.get("registrations"));
        assertThat(expected.registrations).hasSizeGreaterThan(50);
        assertThat(rows).isEqualTo(expected.registrations);
    }

    @Test
    void activeUsersPerWindowAndSegmentMatchTheIndependentComputation() {
        Map<WindowKey, Long> rows = OutputRows.windowed(read("segment_active_users"), "active_users",
                SETTINGS.sizeMs(), row -> (Long) row.get("active_users"));
        assertThat(expected.activeUsers).hasSizeGreaterThan(50);
        assertThat(rows).isEqualTo(expected.activeUsers);
    }

    @Test
    void sessionCountsAndDurationsMatchTheIndependentComputation() {
        Map<WindowKey, Sessions> rows = OutputRows.windowed(read("segment_sessions"), "sessions", SETTINGS.sizeMs(),
                row -> new Sessions((Long) row.get("sessions"), (Double) row.get("avg_duration_ms"),
                        (Long) row.get("p95_duration_ms")));
        assertThat(expected.sessions).hasSizeGreaterThan(50);
        assertThat(rows).containsOnlyKeys(expected.sessions.keySet());
        expected.sessions.forEach((key, sessions) -> {
            Sessions row = rows.get(key);
            assertThat(row.count()).as("sessions of %s", key).isEqualTo(sessions.count());
            assertThat(row.p95Ms()).as("95th percentile of %s", key).isEqualTo(sessions.p95Ms());
            assertThat(row.averageMs()).as("average of %s", key).isCloseTo(sessions.averageMs(), within(1e-6));
        });
    }

    @Test
    void funnelPerWindowAndSegmentMatchesTheIndependentComputation() {
        Map<WindowKey, Funnel> rows = OutputRows.windowed(read("segment_funnel"), "funnel", SETTINGS.sizeMs(), row -> {
            Funnel funnel = new Funnel((Long) row.get("viewers"), (Long) row.get("cart_adders"), (Long) row.get("buyers"));
            assertThat(row.get("view_to_cart_rate")).isEqualTo(rate(funnel.cartAdders(), funnel.viewers()));
            assertThat(row.get("cart_to_check_out_rate")).isEqualTo(rate(funnel.buyers(), funnel.cartAdders()));
            assertThat(row.get("view_to_check_out_rate")).isEqualTo(rate(funnel.buyers(), funnel.viewers()));
            return funnel;
        });
        assertThat(expected.funnel).hasSizeGreaterThan(50);
        assertThat(expected.funnel.values()).anyMatch(funnel -> funnel.buyers() > 0);
        assertThat(rows).isEqualTo(expected.funnel);
    }

    @Test
    void revenuePerWindowAndSegmentMatchesTheIndependentComputation() {
        Map<WindowKey, Revenue> rows = OutputRows.windowed(read("segment_revenue"), "revenue", SETTINGS.sizeMs(), row -> {
            Revenue revenue = new Revenue((Long) row.get("revenue_cents"), (Long) row.get("orders"));
            assertThat((Double) row.get("average_order_cents"))
                    .isCloseTo((double) revenue.revenueCents() / revenue.orders(), within(1e-9));
            return revenue;
        });
        assertThat(expected.revenue).hasSizeGreaterThan(20);
        assertThat(rows).isEqualTo(expected.revenue);
    }

    @Test
    void lateArrivalsAreCountedPerWindowAndSegment() {
        Map<WindowKey, Late> rows = OutputRows.latest(read("segment_late_events"), "late_events", SETTINGS.sizeMs(),
                row -> new LateOrder((Long) row.get("late_events"), (Long) row.get("late_sessions"))).entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                        entry -> new Late(entry.getValue().events(), entry.getValue().sessions())));
        assertThat(expected.late).hasSizeGreaterThan(5);
        assertThat(rows).isEqualTo(expected.late);
    }

    @Test
    void everyUsersLatestSegmentsMatchTheIndependentComputation() {
        Map<String, ExpectedMetrics.UserRow> rows = OutputRows.userSegments(read("user_segments"));
        assertThat(expected.users).hasSizeGreaterThan(100);
        assertThat(expected.users.values()).extracting(ExpectedMetrics.UserRow::lifecycle)
                .contains("new", "active", "at_risk", "dormant");
        assertThat(expected.users.values()).extracting(ExpectedMetrics.UserRow::value)
                .contains("none", "low", "medium", "lapsed");
        assertThat(rows).isEqualTo(expected.users);
    }

    @Test
    void undecodableInvalidAndExpiredRecordsGoToTheDeadLetterTopicWithTheirOrigin() {
        assertThat(OutputRows.deadLetters(harness.readDeadLetters())).isEqualTo(expected.deadLetters);
    }

    private List<TestRecord<GenericRecord, GenericRecord>> read(String topic) {
        return harness.read(topic);
    }

    private static Double rate(long numerator, long denominator) {
        return denominator == 0 ? null : (double) numerator / denominator;
    }

    /** Late counts ordered by total, for the running-count check. */
    private record LateOrder(long events, long sessions) implements Comparable<LateOrder> {
        @Override
        public int compareTo(LateOrder other) {
            return Long.compare(events + sessions, other.events + other.sessions);
        }
    }
}
