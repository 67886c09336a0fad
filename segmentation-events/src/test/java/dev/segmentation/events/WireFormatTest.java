package dev.segmentation.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WireFormatTest {

    @Test
    void theHeaderCarriesTheSchemaIdBigEndianAfterTheMagicByte() {
        byte[] header = WireFormat.header(0x01020304);

        assertThat(header).containsExactly(0, 1, 2, 3, 4);
        assertThat(WireFormat.isFramed(header)).isTrue();
        assertThat(WireFormat.schemaId(header)).isEqualTo(0x01020304);
        assertThat(WireFormat.schemaId(WireFormat.header(Integer.MAX_VALUE))).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void bytesWithoutTheMagicByteOrTooShortAreNotFramed() {
        assertThat(WireFormat.isFramed(new byte[] {1, 0, 0, 0, 1})).isFalse();
        assertThat(WireFormat.isFramed(new byte[] {0, 0, 0, 1})).isFalse();
        assertThat(WireFormat.isFramed(null)).isFalse();
    }

    @Test
    void subjectsFollowTheTopicNameStrategy() {
        assertThat(WireFormat.subject("sign_in", false)).isEqualTo("sign_in-value");
        assertThat(WireFormat.subject("sign_in", true)).isEqualTo("sign_in-key");
    }
}
