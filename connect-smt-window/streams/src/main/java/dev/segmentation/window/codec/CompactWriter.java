package dev.segmentation.window.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes the compact binary form of the application's state and intermediate records: variable-length integers
 * (small numbers take one byte) and length-prefixed strings. The state is read and rewritten for almost every
 * event, so its size and the cost of writing it matter more than self-description; a leading format version in
 * each encoding leaves room to change it.
 */
public final class CompactWriter {

    private byte[] buffer;
    private int size;

    /** A writer whose buffer starts at the expected size and grows as needed. */
    public CompactWriter(int expectedSize) {
        buffer = new byte[Math.max(16, expectedSize)];
    }

    /** One byte: the low eight bits of {@code value}. */
    public CompactWriter writeByte(int value) {
        ensure(1);
        buffer[size++] = (byte) value;
        return this;
    }

    /** A non-negative number (or one whose bits should be kept as they are), 1 to 10 bytes. */
    public CompactWriter writeUnsigned(long value) {
        ensure(10);
        while ((value & ~0x7FL) != 0) {
            buffer[size++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buffer[size++] = (byte) value;
        return this;
    }

    /** Any number; small magnitudes of either sign stay short (zig-zag). */
    public CompactWriter writeSigned(long value) {
        return writeUnsigned((value << 1) ^ (value >> 63));
    }

    /** Eight bytes, for values such as hashes whose variable-length form would be longer. */
    public CompactWriter writeFixedLong(long value) {
        ensure(Long.BYTES);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buffer[size++] = (byte) (value >>> shift);
        }
        return this;
    }

    /** The length, then the bytes. */
    public CompactWriter writeBytes(byte[] bytes) {
        writeUnsigned(bytes.length);
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, size, bytes.length);
        size += bytes.length;
        return this;
    }

    /** The string as UTF-8, length first. */
    public CompactWriter writeString(String value) {
        return writeBytes(value.getBytes(StandardCharsets.UTF_8));
    }

    /** What has been written. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    private void ensure(int extra) {
        if (size + extra > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + extra));
        }
    }
}
