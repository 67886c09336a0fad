package dev.segmentation.window.metrics;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import dev.segmentation.window.codec.CompactReader;
import dev.segmentation.window.codec.CompactWriter;

/**
 * The format of what the per-user stage sends the window stage: a {@link Partial}, or a {@link Contribution} (a late
 * event, a watermark or a progress tick). A contribution is its kind byte, the origin partition, then only the fields
 * the kind uses, 3 to 5 bytes; a partial is a tag byte no kind uses, then {@link Partial#write()}.
 */
public final class WindowFeedSerde implements Serde<Object> {

    /** Leads a partial; contribution kinds take the bytes from 0 on. */
    private static final int PARTIAL_TAG = 0x7f;

    @Override
    public Serializer<Object> serializer() {
        return (topic, value) -> value == null ? null : write(value);
    }

    @Override
    public Deserializer<Object> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    static byte[] write(Object value) {
        if (value instanceof Partial partial) {
            return partial.writeTo(new CompactWriter(1 + partial.sizeHint()).writeByte(PARTIAL_TAG)).toByteArray();
        }
        Contribution contribution = (Contribution) value;
        Contribution.Kind kind = contribution.kind();
        CompactWriter out = new CompactWriter(16).writeByte(kind.ordinal()).writeSigned(contribution.origin());
        if (kind.distinctMetric() >= 0) {
            out.writeUnsigned(contribution.firstVisits());
        }
        if (hasAmount(kind)) {
            out.writeSigned(contribution.amount());
        }
        return out.toByteArray();
    }

    static Object read(byte[] bytes) {
        CompactReader in = new CompactReader(bytes);
        int tag = in.readByte();
        if (tag == PARTIAL_TAG) {
            return Partial.read(in);
        }
        if (tag < 0 || tag >= Contribution.Kind.values().length) {
            throw new SerializationException("Unknown contribution kind " + tag);
        }
        Contribution.Kind kind = Contribution.Kind.of(tag);
        int origin = in.readInt();
        long firstVisits = kind.distinctMetric() >= 0 ? in.readUnsigned() : 0;
        long amount = hasAmount(kind) ? in.readSigned() : 0;
        return new Contribution(kind, origin, firstVisits, amount);
    }

    /** The origin partition of what was sent, or -1 for what the window stage made itself. */
    static int originOf(Object value) {
        return value instanceof Partial partial ? partial.origin() : ((Contribution) value).origin();
    }

    private static boolean hasAmount(Contribution.Kind kind) {
        return kind == Contribution.Kind.CHECK_OUT || kind == Contribution.Kind.SESSION_END;
    }
}
