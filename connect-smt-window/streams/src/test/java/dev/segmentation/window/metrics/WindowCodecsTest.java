package dev.segmentation.window.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The compact formats of the repartition topic and of the window aggregates read back what they wrote. */
class WindowCodecsTest {

    private final ContributionSerde contributions = new ContributionSerde();

    @Test
    void contributionsRoundTripWithOnlyTheFieldsTheirKindUses() {
        for (Contribution contribution : new Contribution[] {
                new Contribution(Contribution.Kind.REGISTRATION, 3, 0, 0),
                new Contribution(Contribution.Kind.ITEM_VIEW, 0, 0b1011, 0),
                new Contribution(Contribution.Kind.SIGN_IN, 7, 1L << 62, 0),
                new Contribution(Contribution.Kind.CHECK_OUT, 1, 0b1, 123_456_789L),
                new Contribution(Contribution.Kind.SESSION_END, 2, 0, 1_800_000L),
                Contribution.watermark(5)}) {
            byte[] bytes = contributions.serializer().serialize("t", contribution);
            assertThat(contributions.deserializer().deserialize("t", bytes)).isEqualTo(contribution);
        }
        assertThat(contributions.serializer().serialize("t", new Contribution(Contribution.Kind.ITEM_VIEW, 0, 0b1, 0)))
                .hasSize(3);
    }

    @Test
    void aContributionOfAnUnknownKindIsRefused() {
        assertThatThrownBy(() -> contributions.deserializer().deserialize("t", new byte[] {99, 0}))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void windowMetricsRoundTripAndCountFirstVisitsPerRingSlot() {
        WindowMetrics metrics = new WindowMetrics(7)
                .add(new Contribution(Contribution.Kind.REGISTRATION, 0, 0, 0))
                .add(new Contribution(Contribution.Kind.SIGN_IN, 0, 0b0000110, 0))
                .add(new Contribution(Contribution.Kind.SIGN_IN, 0, 0b1000010, 0))
                .add(new Contribution(Contribution.Kind.CHECK_OUT, 0, 0b1, 2_500))
                .add(new Contribution(Contribution.Kind.SESSION_END, 0, 0, 60_000))
                .add(Contribution.CLOCK);
        WindowMetrics copy = WindowMetrics.serde(7).deserializer().deserialize("t",
                WindowMetrics.serde(7).serializer().serialize("t", metrics));

        for (WindowMetrics m : new WindowMetrics[] {metrics, copy}) {
            assertThat(m.registrations).isEqualTo(1);
            assertThat(m.orders).isEqualTo(1);
            assertThat(m.revenueCents).isEqualTo(2_500);
            assertThat(m.sessions).isEqualTo(1);
            assertThat(m.sessionDurationMs).isEqualTo(60_000);
            assertThat(m.distinct(0, 1)).isEqualTo(2);
            assertThat(m.distinct(0, 2)).isEqualTo(1);
            assertThat(m.distinct(0, 6)).isEqualTo(1);
            assertThat(m.distinct(0, 0)).isZero();
            assertThat(m.distinct(3, 0)).as("buyers").isEqualTo(1);
            assertThat(m.distinct(1, 0)).as("no viewers").isZero();
        }
    }
}
