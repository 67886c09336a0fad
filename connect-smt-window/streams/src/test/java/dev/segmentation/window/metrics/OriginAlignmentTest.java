package dev.segmentation.window.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.InternalFixedKeyRecordFactory;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.segmentation.window.Segment;

class OriginAlignmentTest {

    private static final long MINUTE = 60_000L;
    private static final long T0 = Instant.parse("2026-03-02T08:00:00Z").toEpochMilli();
    private static final long IDLE_MS = 30_000L;
    private static final Bytes DE = Bytes.wrap(new Segment("25-34", "de", "web.de").toBytes());
    private static final Bytes EN = Bytes.wrap(new Segment("35-44", "en", "gmail.com").toBytes());

    private FakeFixedKeyContext<Bytes, Object> context;

    @BeforeEach
    void store() {
        // The application's store is persistent; in memory is enough to keep it across the "restart" below.
        context = new FakeFixedKeyContext<>();
        StateStore store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(OriginAlignment.WAITING_STORE),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        context.stores.put(store.name(), store);
    }

    @Test
    void aContributionWaitsUntilEveryUpstreamPartitionHasReachedItsTime() {
        OriginAlignment alignment = started(2);
        alignment.process(record(DE, view(0), T0));
        alignment.process(record(EN, view(0), T0 + 10 * MINUTE));
        assertThat(context.forwarded).as("partition 1 has sent nothing yet").isEmpty();

        alignment.process(record(EN, view(1), T0 + 5 * MINUTE));
        assertThat(forwarded()).containsExactly("DE 0 @0", "EN 1 @5");

        alignment.process(record(DE, view(1), T0 + 20 * MINUTE));
        assertThat(forwarded()).containsExactly("DE 0 @0", "EN 1 @5", "EN 0 @10");
    }

    @Test
    void partitionsThatHaveNotStartedHoldTheFirstOneBackThoughTheStageIdledBeforeIt() {
        OriginAlignment alignment = started(3);
        // The application has run for ten minutes with no input before the first producer task starts.
        context.wallClockMs += 10 * MINUTE;
        context.wallClockPunctuator.punctuate(context.wallClockMs);
        alignment.process(record(DE, view(0), T0));
        alignment.process(record(DE, view(0), T0 + 30 * MINUTE));
        context.wallClockMs += IDLE_MS;
        context.wallClockPunctuator.punctuate(context.wallClockMs);
        assertThat(context.forwarded).as("partitions 1 and 2 count as heard at the first record").isEmpty();

        alignment.process(record(EN, view(1), T0 + 5 * MINUTE));
        alignment.process(record(EN, view(2), T0 + 5 * MINUTE));
        assertThat(forwarded()).containsExactly("DE 0 @0", "EN 1 @5", "EN 2 @5");
    }

    @Test
    void progressTicksMoveTheCommonTimeAndNeverReachTheWindows() {
        OriginAlignment alignment = started(2);
        alignment.process(record(DE, view(0), T0 + 10 * MINUTE));
        alignment.process(record(DE, Contribution.progress(1), T0 + 30 * MINUTE));
        alignment.process(record(DE, Contribution.progress(0), T0 + 40 * MINUTE));

        assertThat(forwarded()).containsExactly("DE 0 @10");
    }

    @Test
    void theCommonTimeFollowsWhatItLetsGoAsAClockTickWheneverItMoves() {
        OriginAlignment alignment = started(2);
        Partial partial = new Partial(T0 / (15 * MINUTE), 1, 4);
        alignment.process(record(DE, view(0), T0 + 10 * MINUTE));
        alignment.process(record(EN, partial, T0 + 14 * MINUTE));
        assertThat(forwarded()).containsExactly("DE 0 @10");
        assertThat(clockTicks()).as("every partition has reached 10 minutes").containsExactly(10L);

        alignment.process(record(DE, Contribution.progress(0), T0 + 20 * MINUTE));
        alignment.process(record(DE, Contribution.progress(1), T0 + 16 * MINUTE));
        alignment.process(record(DE, Contribution.progress(1), T0 + 15 * MINUTE));
        assertThat(forwarded()).containsExactly("DE 0 @10", "EN 1 @14");
        assertThat(clockTicks()).as("after what it let go, and never backwards").containsExactly(10L, 14L, 16L);
    }

    @Test
    void aWatermarkPassesAtOnceAfterWhatItLetsGo() {
        OriginAlignment alignment = started(2);
        alignment.process(record(DE, view(0), T0));
        alignment.process(record(EN, view(1), T0 + 10 * MINUTE));
        assertThat(forwarded()).containsExactly("DE 0 @0");

        alignment.process(record(DE, Contribution.watermark(0), T0 + 60 * MINUTE));
        assertThat(forwarded()).as("partition 0 has reached the hour: what waited up to partition 1's time goes first")
                .containsExactly("DE 0 @0", "EN 1 @10", "DE 0 @60");

        alignment.process(record(DE, Contribution.watermark(1), T0 + 90 * MINUTE));
        assertThat(forwarded()).as("nothing is left for the larger watermark to wait for")
                .containsExactly("DE 0 @0", "EN 1 @10", "DE 0 @60", "DE 1 @90");
    }

    @Test
    void aContributionBehindTheCommonTimePassesAtOnce() {
        OriginAlignment alignment = started(2);
        alignment.process(record(DE, Contribution.progress(0), T0 + 60 * MINUTE));
        alignment.process(record(DE, Contribution.progress(1), T0 + 60 * MINUTE));
        alignment.process(record(DE, view(0), T0 + 70 * MINUTE));

        alignment.process(record(EN, view(1), T0));
        assertThat(forwarded()).as("a late event has nothing to wait for").containsExactly("EN 1 @0");
    }

    @Test
    void anUpstreamPartitionSilentForTheIdleTimeStopsHoldingTheOthersBack() {
        OriginAlignment alignment = started(2);
        alignment.process(record(DE, view(0), T0));
        context.wallClockMs += IDLE_MS;
        context.wallClockPunctuator.punctuate(context.wallClockMs);
        assertThat(context.forwarded).isEmpty();

        context.wallClockMs += 1;
        context.wallClockPunctuator.punctuate(context.wallClockMs);
        assertThat(forwarded()).containsExactly("DE 0 @0");

        alignment.process(record(EN, view(1), T0 + 30 * MINUTE));
        alignment.process(record(EN, view(0), T0 + 40 * MINUTE));
        assertThat(forwarded()).as("partition 1 counts again once it sends").containsExactly("DE 0 @0", "EN 1 @30");
    }

    @Test
    void waitingContributionsSurviveARestartAndLeaveInTimestampOrder() {
        OriginAlignment before = started(2);
        before.process(record(EN, view(0), T0 + MINUTE));
        before.process(record(DE, view(0), T0));
        before.process(record(EN, view(0), T0));

        OriginAlignment after = started(2);
        after.process(record(DE, Contribution.progress(0), T0 + 10 * MINUTE));
        assertThat(context.forwarded).as("partition 1 is not heard from since the restart").isEmpty();
        after.process(record(DE, view(1), T0 + 5 * MINUTE));

        assertThat(forwarded()).containsExactly("DE 0 @0", "EN 0 @0", "EN 0 @1", "DE 1 @5");
    }

    @Test
    void aRevivedProcessorReleasesWhatItsStoreHoldsOnce() {
        OriginAlignment alignment = started(2);
        alignment.process(record(DE, view(0), T0));
        alignment.process(record(EN, view(0), T0 + MINUTE));

        // As Kafka does after an aborted transaction: the same instance, initialised again over its store.
        alignment.init(context);
        alignment.process(record(DE, view(1), T0 + 5 * MINUTE));
        alignment.process(record(DE, view(0), T0 + 10 * MINUTE));

        assertThat(forwarded()).containsExactly("DE 0 @0", "EN 0 @1", "DE 1 @5");
    }

    @Test
    void withOneUpstreamPartitionNothingWaits() {
        OriginAlignment alignment = started(1);
        alignment.process(record(DE, view(0), T0 + 10 * MINUTE));
        alignment.process(record(EN, view(0), T0));
        alignment.process(record(EN, view(0), T0 + 20 * MINUTE));

        assertThat(forwarded()).containsExactly("DE 0 @10", "EN 0 @0", "EN 0 @20");
    }

    private OriginAlignment started(int upstreamPartitions) {
        OriginAlignment alignment = new OriginAlignment(upstreamPartitions, IDLE_MS);
        alignment.init(context);
        return alignment;
    }

    /**
     * What was passed on but clock ticks, as "segment origin @minutes after T0", keys and timestamps included.
     */
    private List<String> forwarded() {
        return context.forwarded.stream().filter(record -> record.value() != Contribution.CLOCK)
                .map(record -> (record.key().equals(DE) ? "DE " : "EN ")
                        + WindowFeedSerde.originOf(record.value()) + " @" + (record.timestamp() - T0) / MINUTE)
                .toList();
    }

    /** The clock ticks passed on, in minutes after T0. */
    private List<Long> clockTicks() {
        return context.forwarded.stream().filter(record -> record.value() == Contribution.CLOCK)
                .map(record -> (record.timestamp() - T0) / MINUTE).toList();
    }

    private static Contribution view(int origin) {
        return new Contribution(Contribution.Kind.ITEM_VIEW, origin, 0b1, 0);
    }

    private static FixedKeyRecord<Bytes, Object> record(Bytes segment, Object value, long timestamp) {
        return InternalFixedKeyRecordFactory.create(new Record<>(segment, value, timestamp));
    }
}
