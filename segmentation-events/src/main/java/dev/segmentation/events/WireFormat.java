package dev.segmentation.events;

/**
 * Confluent's wire format, which every registry-aware serializer and converter reads and writes: a zero magic byte,
 * the writer schema's 4-byte big-endian registry id, then the Avro binary encoding of the value. Subjects follow the
 * TopicNameStrategy: {@code <topic>-value} and {@code <topic>-key}.
 */
public final class WireFormat {

    /** The first byte of every framed value. */
    public static final byte MAGIC_BYTE = 0;
    /** The magic byte and the schema id: where the Avro binary starts. */
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** The registry subject of a topic's keys or values (TopicNameStrategy). */
    public static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }

    /** Whether the bytes start with the magic byte and are long enough to hold a schema id. */
    public static boolean isFramed(byte[] data) {
        return data != null && data.length >= HEADER_SIZE && data[0] == MAGIC_BYTE;
    }

    /** The schema id of framed bytes; check {@link #isFramed} first. */
    public static int schemaId(byte[] data) {
        return ((data[1] & 0xFF) << 24) | ((data[2] & 0xFF) << 16) | ((data[3] & 0xFF) << 8) | (data[4] & 0xFF);
    }

    /** The five bytes a framed value starts with. */
    public static byte[] header(int schemaId) {
        return new byte[] {MAGIC_BYTE, (byte) (schemaId >>> 24), (byte) (schemaId >>> 16), (byte) (schemaId >>> 8),
                (byte) schemaId};
    }
}
