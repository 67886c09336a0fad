package dev.segmentation.window.metrics;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import dev.segmentation.window.codec.CompactReader;
import dev.segmentation.window.codec.CompactWriter;

/**
 * The repartition topic's value format: a kind byte, the origin partition, then only the fields the kind uses.
 * A typical contribution takes 3 to 5 bytes.
 */
public final class ContributionSerde implements Serde<Contribution> {

    @Override
    public Serializer<Contribution> serializer() {
        return (topic, contribution) -> contribution == null ? null : write(contribution);
    }

    @Override
    public Deserializer<Contribution> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    static byte[] write(Contribution contribution) {
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

    static Contribution read(byte[] bytes) {
        CompactReader in = new CompactReader(bytes);
        int ordinal = in.readByte();
        if (ordinal < 0 || ordinal >= Contribution.Kind.values().length) {
            throw new SerializationException("Unknown contribution kind " + ordinal);
        }
        Contribution.Kind kind = Contribution.Kind.of(ordinal);
        int origin = in.readInt();
        long firstVisits = kind.distinctMetric() >= 0 ? in.readUnsigned() : 0;
        long amount = hasAmount(kind) ? in.readSigned() : 0;
        return new Contribution(kind, origin, firstVisits, amount);
    }

    private static boolean hasAmount(Contribution.Kind kind) {
        return kind == Contribution.Kind.CHECK_OUT || kind == Contribution.Kind.SESSION_END;
    }
}
