package dev.segmentation.window;

import static dev.segmentation.window.TestEvents.HOUR;
import static dev.segmentation.window.TestEvents.MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import dev.segmentation.events.WireFormat;
import dev.segmentation.events.registry.RegistryUnavailableException;
import dev.segmentation.window.serde.InMemorySchemaRegistry;
import dev.segmentation.window.serde.SchemaRegistry;

/** The warm-up takes exactly the registry steps the topology takes at its first records, and survives failing ones. */
class StartUpWarmUpTest {

    private static final long T0 = Instant.parse("2026-03-02T06:00:00Z").toEpochMilli();

    @Test
    void registersTheSameSchemaUnderEverySubjectTheTopologyWritesAndFetchesEveryInputSchema() {
        Map<String, Schema> written;
        Set<String> inputSubjects;
        InMemorySchemaRegistry registryWithInputs;
        SegmentationConfig config;
        try (SegmentationHarness harness = new SegmentationHarness(SegmentMetricsTopologyTest.settings())) {
            // Imperfect journeys reach every output topic, late events and user segments included.
            harness.sendAll(new JourneyGenerator(20260302L, T0, 6 * HOUR, 40).generate(90 * MINUTE));
            config = harness.config;
            inputSubjects = config.inputTopics().values().stream().map(topic -> WireFormat.subject(topic, false))
                    .collect(Collectors.toSet());
            written = schemasBySubject(harness.registry, inputSubjects);
            registryWithInputs = harness.registry;
        }
        assertThat(written).containsKeys("segment_late_events-value", "user_segments-key", "segment_revenue-value");

        InMemorySchemaRegistry fresh = new InMemorySchemaRegistry();
        new StartUpWarmUp(config, fresh).run();
        assertThat(schemasBySubject(fresh, Set.of())).isEqualTo(written);

        RecordingRegistry recording = new RecordingRegistry(registryWithInputs, Set.of());
        new StartUpWarmUp(config, recording).run();
        assertThat(recording.latestAskedFor).containsExactlyInAnyOrderElementsOf(inputSubjects);
        assertThat(recording.schemasAskedFor).hasSize(inputSubjects.size());
    }

    @Test
    void aStepThatFailsLeavesTheOthersDone() {
        SegmentationConfig config =
                new SegmentationConfig(Map.of(SegmentationConfig.REGISTRY_URL_CONFIG, "http://unused"));
        Map<String, Schema> expected = StartUpWarmUp.outputSchemas(config);
        RecordingRegistry failingTwice = new RecordingRegistry(new InMemorySchemaRegistry(),
                Set.of("segment_funnel-value", "sign_in-value"));

        new StartUpWarmUp(config, failingTwice).run();

        assertThat(failingTwice.registered).hasSize(expected.size() - 1).doesNotContain("segment_funnel-value");
        assertThat(failingTwice.latestAskedFor).hasSize(config.inputTopics().size());
    }

    /** The one schema of each subject but the inputs' (which have evolved: they hold two). */
    private static Map<String, Schema> schemasBySubject(InMemorySchemaRegistry registry, Set<String> inputSubjects) {
        Map<String, Schema> schemas = new TreeMap<>();
        registry.subjects().forEach((subject, ids) -> {
            if (!inputSubjects.contains(subject)) {
                assertThat(ids).as("versions of %s", subject).hasSize(1);
                schemas.put(subject, registry.schemaById(ids.get(0)));
            }
        });
        return schemas;
    }

    /** Records the calls it is given, and fails those for the given subjects as an unreachable registry would. */
    private static final class RecordingRegistry implements SchemaRegistry {

        final List<String> registered = new CopyOnWriteArrayList<>();
        final List<String> latestAskedFor = new CopyOnWriteArrayList<>();
        final List<Integer> schemasAskedFor = new CopyOnWriteArrayList<>();
        private final SchemaRegistry delegate;
        private final Set<String> failing;

        RecordingRegistry(SchemaRegistry delegate, Set<String> failing) {
            this.delegate = delegate;
            this.failing = failing;
        }

        @Override
        public int register(String subject, Schema schema) {
            failIfAsked(subject);
            registered.add(subject);
            return delegate.register(subject, schema);
        }

        @Override
        public Schema schemaById(int id) {
            schemasAskedFor.add(id);
            return delegate.schemaById(id);
        }

        @Override
        public int latestId(String subject) {
            latestAskedFor.add(subject);
            failIfAsked(subject);
            return delegate.latestId(subject);
        }

        private void failIfAsked(String subject) {
            if (failing.contains(subject)) {
                throw new RegistryUnavailableException("No schema registry answered for " + subject, null);
            }
        }
    }
}
