package dev.segmentation.window.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apache.kafka.common.errors.SerializationException;

/** Reads what {@link CompactWriter} wrote, in the same order. */
public final class CompactReader {

    private final byte[] data;
    private int position;

    /** A reader from the start of {@code data}. */
    public CompactReader(byte[] data) {
        this.data = data;
    }

    /** See {@link CompactWriter#writeByte}; the byte is sign-extended. */
    public int readByte() {
        check(1);
        return data[position++];
    }

    /** See {@link CompactWriter#writeUnsigned}. */
    public long readUnsigned() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            check(1);
            byte b = data[position++];
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new SerializationException("Malformed variable-length number");
    }

    /** See {@link CompactWriter#writeSigned}. */
    public long readSigned() {
        long raw = readUnsigned();
        return (raw >>> 1) ^ -(raw & 1);
    }

    /** A {@link #readSigned()} that must fit an int. */
    public int readInt() {
        return Math.toIntExact(readSigned());
    }

    /** See {@link CompactWriter#writeFixedLong}. */
    public long readFixedLong() {
        check(Long.BYTES);
        long value = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            value = (value << 8) | (data[position++] & 0xFF);
        }
        return value;
    }

    /** See {@link CompactWriter#writeBytes}. */
    public byte[] readBytes() {
        int length = Math.toIntExact(readUnsigned());
        check(length);
        byte[] bytes = Arrays.copyOfRange(data, position, position + length);
        position += length;
        return bytes;
    }

    /** See {@link CompactWriter#writeString}. */
    public String readString() {
        int length = Math.toIntExact(readUnsigned());
        check(length);
        String value = new String(data, position, length, StandardCharsets.UTF_8);
        position += length;
        return value;
    }

    /** Whether everything has been read. */
    public boolean atEnd() {
        return position == data.length;
    }

    private void check(int bytes) {
        if (position + bytes > data.length) {
            throw new SerializationException("Truncated state: needed " + bytes + " more bytes at " + position
                    + " of " + data.length);
        }
    }
}
