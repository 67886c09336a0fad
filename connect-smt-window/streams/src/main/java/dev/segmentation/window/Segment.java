package dev.segmentation.window;

import java.nio.charset.StandardCharsets;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A consumer segment: the attributes by which metrics are broken down.
 *
 * @param ageBand           e.g. {@code 25-34}
 * @param preferredLanguage ISO 639-1 code
 * @param emailDomain       domain of the user's e-mail address
 */
public record Segment(String ageBand, String preferredLanguage, String emailDomain) {

    private static final String SEPARATOR = "\t";

    /** The total over all segments: every metric is also computed for this segment. */
    public static final Segment ALL = new Segment("all", "all", "all");
    /** Users whose registration has not been seen (yet): their events still count, under this segment. */
    public static final Segment UNKNOWN = new Segment("unknown", "unknown", "unknown");
    /** Key of watermarks and progress ticks on their way to the window stage; never a row. */
    public static final Segment WATERMARK = new Segment("__watermark__", "", "");

    /** The segment of a user, from their registration event. */
    public static Segment ofRegistration(GenericRecord registration) {
        return new Segment(ageBand(((Number) registration.get("age")).intValue()),
                withoutSeparator(registration.get("preferred_language").toString()),
                withoutSeparator(registration.get("email_domain").toString()));
    }

    /** Input is not trusted to be free of the key separator; a tab in a field would split it. */
    private static String withoutSeparator(String field) {
        return field.indexOf('\t') < 0 ? field : field.replace('\t', ' ');
    }

    /** The age band an age falls in; bands are ten years wide from 25, with 18-24 below and 65+ on top. */
    public static String ageBand(int age) {
        if (age < 18) {
            return "under-18";
        }
        if (age < 25) {
            return "18-24";
        }
        if (age >= 65) {
            return "65+";
        }
        int start = (age - 25) / 10 * 10 + 25;
        return start + "-" + (start + 9);
    }

    /** The segment as the compact key the window stage partitions and aggregates by; the fields never contain tabs. */
    public byte[] toBytes() {
        return String.join(SEPARATOR, ageBand, preferredLanguage, emailDomain).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The segment of a key written by {@link #toBytes()}.
     *
     * @throws SerializationException when the bytes are not such a key
     */
    public static Segment fromBytes(byte[] bytes) {
        String[] parts = new String(bytes, StandardCharsets.UTF_8).split(SEPARATOR, -1);
        if (parts.length != 3) {
            throw new SerializationException("Not a segment key");
        }
        return new Segment(parts[0], parts[1], parts[2]);
    }

    /** A compact serde for repartitioning by segment, over {@link #toBytes()}. */
    public static Serde<Segment> serde() {
        return Serdes.serdeFrom(
                (topic, segment) -> segment == null ? null : segment.toBytes(),
                (topic, bytes) -> {
                    if (bytes == null) {
                        return null;
                    }
                    try {
                        return fromBytes(bytes);
                    } catch (SerializationException e) {
                        throw new SerializationException("Not a segment key on topic " + topic);
                    }
                });
    }
}
