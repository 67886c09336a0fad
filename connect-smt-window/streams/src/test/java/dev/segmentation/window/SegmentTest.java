package dev.segmentation.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SegmentTest {

    @ParameterizedTest
    @CsvSource({"17,under-18", "18,18-24", "24,18-24", "25,25-34", "34,25-34", "35,35-44", "54,45-54",
            "64,55-64", "65,65+", "99,65+"})
    void agesFallInTheirBand(int age, String band) {
        assertThat(Segment.ageBand(age)).isEqualTo(band);
    }

    @Test
    void serdeRoundTripsAndRefusesForeignBytes() {
        Segment segment = new Segment("25-34", "pt", "icloud.com");
        byte[] bytes = Segment.serde().serializer().serialize("t", segment);
        assertThat(Segment.serde().deserializer().deserialize("t", bytes)).isEqualTo(segment);
        assertThatThrownBy(() -> Segment.serde().deserializer().deserialize("t", "nope".getBytes()))
                .isInstanceOf(SerializationException.class);
    }
}
