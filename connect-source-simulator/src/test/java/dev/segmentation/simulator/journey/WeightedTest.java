package dev.segmentation.simulator.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WeightedTest {

    @Test
    void parsesRelativeWeightsIntoProbabilities() {
        Weighted weighted = Weighted.parse("en:3, de:1");
        assertThat(weighted.values()).containsExactly("en", "de");
        assertThat(weighted.probability(0)).isCloseTo(0.75, within(1e-9));
        assertThat(weighted.probability(1)).isCloseTo(0.25, within(1e-9));
        assertThat(Weighted.parse(weighted.toString()).toString()).isEqualTo(weighted.toString());
    }

    @Test
    void refusesTextThatIsNotValueWeightPairsSayingWhy() {
        assertThatThrownBy(() -> Weighted.parse("en")).hasMessageContaining("value:weight");
        assertThatThrownBy(() -> Weighted.parse("en:x")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> Weighted.parse("en:0")).hasMessageContaining("positive");
        assertThatThrownBy(() -> Weighted.parse("en:1,en:2")).hasMessageContaining("twice");
        assertThatThrownBy(() -> AgeBand.parse("30")).hasMessageContaining("25-34");
        assertThatThrownBy(() -> AgeBand.parse("40-30")).hasMessageContaining("lowest first");
    }
}
