package dev.segmentation.window.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.segmentation.window.Segment;
import dev.segmentation.window.WindowSpec;
import dev.segmentation.window.metrics.Contribution;
import dev.segmentation.window.metrics.Partial;

/** A per-user task's open partials, with Kafka's own store: sent once, whole, whatever restarts came between. */
class OpenPanesTest {

    private static final long MINUTE = 60_000L;
    private static final long T0 = Instant.parse("2026-03-02T08:00:00Z").toEpochMilli();
    private static final WindowSpec WINDOWS = new WindowSpec(60 * MINUTE, 15 * MINUTE, 15 * MINUTE);
    private static final Bytes DE = Bytes.wrap(new Segment("25-34", "de", "web.de").toBytes());
    private static final Bytes ALL = Bytes.wrap(Segment.ALL.toBytes());

    private KeyValueStore<Bytes, byte[]> store;
    private final List<Partial> sent = new ArrayList<>();

    @BeforeEach
    void store() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(UserActivity.PANE_STORE), Serdes.Bytes(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    }

    @Test
    void aPartialResumesAfterARestartWithItsCountersAndEveryDurationInOrder() {
        OpenPanes before = new OpenPanes(WINDOWS, 3, store, () -> { });
        before.add(DE, new Contribution(Contribution.Kind.SIGN_IN, 3, 0b1111, 0), T0 + MINUTE);
        before.write();
        before.add(DE, new Contribution(Contribution.Kind.SESSION_END, 3, 0, 5 * MINUTE), T0 + 2 * MINUTE);
        before.add(ALL, new Contribution(Contribution.Kind.REGISTRATION, 3, 0, 0), T0 + 2 * MINUTE);
        before.write();

        // A new task instance restored from the store, as after a crash or a rebalance.
        OpenPanes after = new OpenPanes(WINDOWS, 3, store, () -> { });
        after.add(DE, new Contribution(Contribution.Kind.SESSION_END, 3, 0, 2 * MINUTE), T0 + 3 * MINUTE);
        after.add(DE, new Contribution(Contribution.Kind.CHECK_OUT, 3, 0, 1_999), T0 + 4 * MINUTE);
        after.closeThrough(T0 + 15 * MINUTE - 1, (segment, partial) -> sent.add(partial));

        assertThat(sent).hasSize(2);
        Partial de = sent.stream().filter(p -> p.sessions() == 2).findFirst().orElseThrow();
        Partial direct = new Partial(WINDOWS.latestWindow(T0), 3, 4);
        direct.add(new Contribution(Contribution.Kind.SIGN_IN, 3, 0b1111, 0));
        direct.add(new Contribution(Contribution.Kind.SESSION_END, 3, 0, 5 * MINUTE));
        direct.add(new Contribution(Contribution.Kind.SESSION_END, 3, 0, 2 * MINUTE));
        direct.add(new Contribution(Contribution.Kind.CHECK_OUT, 3, 0, 1_999));
        assertThat(de.writeCounters()).isEqualTo(direct.writeCounters());
        assertThat(de.origin()).isEqualTo(3);
        try (KeyValueIterator<Bytes, byte[]> left = store.all()) {
            assertThat(left.hasNext()).as("a sent partial leaves the store").isFalse();
        }
    }

    @Test
    void aPaneIsSentOnceTheReleasePointHasPassedItsLastMillisecondAndOnlyOnce() {
        OpenPanes panes = new OpenPanes(WINDOWS, 0, store, () -> { });
        panes.add(DE, new Contribution(Contribution.Kind.REGISTRATION, 0, 0, 0), T0 + 14 * MINUTE);
        panes.add(DE, new Contribution(Contribution.Kind.REGISTRATION, 0, 0, 0), T0 + 15 * MINUTE);

        panes.closeThrough(T0 + 15 * MINUTE - 2, (segment, partial) -> sent.add(partial));
        assertThat(sent).isEmpty();
        panes.closeThrough(T0 + 15 * MINUTE - 1, (segment, partial) -> sent.add(partial));
        panes.closeThrough(T0 + 20 * MINUTE, (segment, partial) -> sent.add(partial));
        assertThat(sent).extracting(Partial::pane).containsExactly(WINDOWS.latestWindow(T0));
        assertThat(panes.lastMillisecond(WINDOWS.latestWindow(T0))).isEqualTo(T0 + 15 * MINUTE - 1);
    }

    @Test
    void onlyWhatWasWrittenBeforeARestartResumesAndAPartialSentBeforeItsWriteLeavesNothing() {
        OpenPanes before = new OpenPanes(WINDOWS, 0, store, () -> { });
        before.add(DE, new Contribution(Contribution.Kind.REGISTRATION, 0, 0, 0), T0 + MINUTE);
        before.add(DE, new Contribution(Contribution.Kind.SESSION_END, 0, 0, 3 * MINUTE), T0 + 16 * MINUTE);
        before.closeThrough(T0 + 15 * MINUTE - 1, (segment, partial) -> sent.add(partial));
        before.write();
        // Not written: the input that made it is read again after the restart.
        before.add(DE, new Contribution(Contribution.Kind.SESSION_END, 0, 0, 4 * MINUTE), T0 + 17 * MINUTE);

        OpenPanes after = new OpenPanes(WINDOWS, 0, store, () -> { });
        after.closeThrough(T0 + 30 * MINUTE - 1, (segment, partial) -> sent.add(partial));

        assertThat(sent).extracting(Partial::pane, Partial::sessions)
                .containsExactly(tuple(WINDOWS.latestWindow(T0), 0L), tuple(WINDOWS.latestWindow(T0 + 15 * MINUTE), 1L));
        assertThat(sent.get(1).duration(0)).isEqualTo(3 * MINUTE);
        try (KeyValueIterator<Bytes, byte[]> left = store.all()) {
            assertThat(left.hasNext()).as("sent partials leave the store").isFalse();
        }
    }
}
