package dev.segmentation.simulator.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AgeBandTest {

    @Test
    void aClosedBandHasBothBounds() {
        assertThat(AgeBand.parse("25-34")).isEqualTo(new AgeBand(25, 34));
    }

    @Test
    void anOpenBandRunsToTheOldestDrawnAgeAndBearsTheStreamsStagesName() {
        assertThat(AgeBand.parse("65+")).isEqualTo(new AgeBand(65, AgeBand.OPEN_BAND_HIGHEST));
    }

    @Test
    void aMalformedBandSaysWhatItShouldLookLike() {
        assertThatThrownBy(() -> AgeBand.parse("65plus")).hasMessageContaining("must look like 25-34");
        assertThatThrownBy(() -> AgeBand.parse("x+")).hasMessageContaining("or 65+");
        assertThatThrownBy(() -> AgeBand.parse("130+")).hasMessageContaining("within 13-120");
    }
}
