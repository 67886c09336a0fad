package dev.segmentation.avro;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable buffer that writes Avro's binary encoding: zig-zag varints for {@code int} and {@code long},
 * little-endian IEEE 754 for {@code float} and {@code double}, length-prefixed bytes and UTF-8 strings. It is reused
 * from record to record, so a record costs one copy of its bytes and nothing else.
 */
final class AvroOutput {

    private byte[] buffer = new byte[256];
    private int position;

    void reset() {
        position = 0;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buffer, position);
    }

    void writeByte(int value) {
        ensure(1);
        buffer[position++] = (byte) value;
    }

    /** Four bytes, big-endian, as the Confluent wire format stores a schema id. */
    void writeFixedInt(int value) {
        ensure(4);
        buffer[position++] = (byte) (value >>> 24);
        buffer[position++] = (byte) (value >>> 16);
        buffer[position++] = (byte) (value >>> 8);
        buffer[position++] = (byte) value;
    }

    void writeBoolean(boolean value) {
        writeByte(value ? 1 : 0);
    }

    /** An Avro {@code int}: zig-zag encoding of an int as a long gives the same bytes. */
    void writeInt(int value) {
        writeLong(value);
    }

    void writeLong(long value) {
        ensure(10);
        long zigZag = (value << 1) ^ (value >> 63);
        while ((zigZag & ~0x7FL) != 0) {
            buffer[position++] = (byte) ((zigZag & 0x7F) | 0x80);
            zigZag >>>= 7;
        }
        buffer[position++] = (byte) zigZag;
    }

    void writeFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        ensure(4);
        for (int shift = 0; shift < 32; shift += 8) {
            buffer[position++] = (byte) (bits >>> shift);
        }
    }

    void writeDouble(double value) {
        long bits = Double.doubleToRawLongBits(value);
        ensure(8);
        for (int shift = 0; shift < 64; shift += 8) {
            buffer[position++] = (byte) (bits >>> shift);
        }
    }

    /** Event fields are ASCII nearly always; those go straight into the buffer, without an encoded copy. */
    void writeString(String value) {
        int length = value.length();
        ensure(10 + length);
        int start = position;
        writeLong(length);
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c >= 0x80) {
                position = start;
                writeBytes(value.getBytes(StandardCharsets.UTF_8));
                return;
            }
            buffer[position++] = (byte) c;
        }
    }

    void writeBytes(byte[] value) {
        writeBytes(value, 0, value.length);
    }

    void writeBytes(byte[] value, int offset, int length) {
        writeLong(length);
        ensure(length);
        System.arraycopy(value, offset, buffer, position, length);
        position += length;
    }

    private void ensure(int bytes) {
        if (position + bytes > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(2 * buffer.length, position + bytes));
        }
    }
}
