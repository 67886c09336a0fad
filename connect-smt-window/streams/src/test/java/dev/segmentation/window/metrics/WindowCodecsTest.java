package dev.segmentation.window.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The compact formats of the repartition topic and of the partials read back what they wrote. */
class WindowCodecsTest {

    private static final int WINDOWS_PER_PANE = 4;

    private final WindowFeedSerde feed = new WindowFeedSerde();

    @Test
    void contributionsRoundTripWithOnlyTheFieldsTheirKindUses() {
        for (Contribution contribution : new Contribution[] {
                new Contribution(Contribution.Kind.REGISTRATION, 3, 0, 0),
                new Contribution(Contribution.Kind.ITEM_VIEW, 0, 0b1011, 0),
                new Contribution(Contribution.Kind.SIGN_IN, 7, 1L << 62, 0),
                new Contribution(Contribution.Kind.CHECK_OUT, 1, 0b1, 123_456_789L),
                new Contribution(Contribution.Kind.SESSION_END, 2, 0, 1_800_000L),
                new Contribution(Contribution.Kind.LATE, 4, 0, 0),
                Contribution.watermark(5)}) {
            byte[] bytes = feed.serializer().serialize("t", contribution);
            assertThat(feed.deserializer().deserialize("t", bytes)).isEqualTo(contribution);
        }
        assertThat(feed.serializer().serialize("t", new Contribution(Contribution.Kind.ITEM_VIEW, 0, 0b1, 0)))
                .hasSize(3);
    }

    @Test
    void aContributionOfAnUnknownKindIsRefused() {
        assertThatThrownBy(() -> feed.deserializer().deserialize("t", new byte[] {99, 0}))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void aPartialRoundTripsWithItsDurationsAndCountsFirstVisitsPerWindowOfItsPane() {
        Partial partial = new Partial(100, 3, WINDOWS_PER_PANE);
        partial.add(new Contribution(Contribution.Kind.REGISTRATION, 3, 0, 0));
        partial.add(new Contribution(Contribution.Kind.SIGN_IN, 3, 0b0110, 0));
        partial.add(new Contribution(Contribution.Kind.SIGN_IN, 3, 0b1010, 0));
        partial.add(new Contribution(Contribution.Kind.CHECK_OUT, 3, 0b1, 2_500));
        partial.add(new Contribution(Contribution.Kind.SESSION_END, 3, 0, 60_000));
        partial.add(new Contribution(Contribution.Kind.SESSION_END, 3, 0, 1_000));
        assertThat(partial.duration(0)).as("durations kept in the order they came").isEqualTo(60_000);
        assertThat(partial.duration(1)).isEqualTo(1_000);

        Partial copy = (Partial) feed.deserializer().deserialize("t", feed.serializer().serialize("t", partial));

        for (Partial p : new Partial[] {partial, copy}) {
            assertThat(p.pane()).isEqualTo(100);
            assertThat(p.origin()).isEqualTo(3);
            assertThat(p.events).as("input events, sessions not among them").isEqualTo(4);
            assertThat(p.registrations).isEqualTo(1);
            assertThat(p.orders).isEqualTo(1);
            assertThat(p.revenueCents).isEqualTo(2_500);
            assertThat(p.sessions()).isEqualTo(2);
            assertThat(p.sessionDurationMs).isEqualTo(61_000);
            assertThat(p.durations).startsWith(60_000L, 1_000L);
            assertThat(p.firstVisits(0, 100)).as("active users in the pane's latest window").isZero();
            assertThat(p.firstVisits(0, 99)).isEqualTo(2);
            assertThat(p.firstVisits(0, 98)).isEqualTo(1);
            assertThat(p.firstVisits(0, 97)).isEqualTo(1);
            assertThat(p.firstVisits(3, 100)).as("buyers").isEqualTo(1);
            assertThat(p.firstVisits(1, 100)).as("no viewers").isZero();
        }
    }

    @Test
    void thePerUserTaskStoresTheCountersWithoutTheDurations() {
        Partial partial = new Partial(7, 1, WINDOWS_PER_PANE);
        partial.add(new Contribution(Contribution.Kind.ITEM_VIEW, 1, 0b1111, 0));
        partial.add(new Contribution(Contribution.Kind.SESSION_END, 1, 0, 5_000));

        Partial restored = Partial.readCounters(partial.writeCounters(), 7, 1, WINDOWS_PER_PANE);
        assertThat(restored.sessions()).as("durations are added back one by one").isZero();
        restored.addSession(5_000);
        assertThat(feed.serializer().serialize("t", restored)).isEqualTo(feed.serializer().serialize("t", partial));
    }

    @Test
    void mergingAddsEverythingAndKeepsEveryDuration() {
        Partial a = new Partial(7, 0, WINDOWS_PER_PANE);
        a.add(new Contribution(Contribution.Kind.ITEM_VIEW, 0, 0b0001, 0));
        a.add(new Contribution(Contribution.Kind.SESSION_END, 0, 0, 5_000));
        Partial b = new Partial(7, 1, WINDOWS_PER_PANE);
        b.add(new Contribution(Contribution.Kind.ITEM_VIEW, 1, 0b0011, 0));
        b.add(new Contribution(Contribution.Kind.SESSION_END, 1, 0, 7_000));

        a.merge(b);
        assertThat(a.firstVisits(1, 7)).isEqualTo(2);
        assertThat(a.firstVisits(1, 6)).isEqualTo(1);
        assertThat(a.events).isEqualTo(2);
        assertThat(a.sessions()).isEqualTo(2);
        assertThat(a.sessionDurationMs).isEqualTo(12_000);
        assertThat(a.origin()).as("from several origins").isEqualTo(-1);
    }
}
