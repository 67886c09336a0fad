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

    /** The segment of a user, from their registration event. */
    public static Segment ofRegistration(GenericRecord registration) {
        return new Segment(ageBand(((Number) registration.get("age")).intValue()),
                registration.get("preferred_language").toString(),
                registration.get("email_domain").toString());
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

    /** A compact serde for repartitioning by segment; the fields never contain tabs. */
    public static Serde<Segment> serde() {
        return Serdes.serdeFrom(
                (topic, segment) -> segment == null ? null : String.join(SEPARATOR, segment.ageBand,
                        segment.preferredLanguage, segment.emailDomain).getBytes(StandardCharsets.UTF_8),
                (topic, bytes) -> {
                    if (bytes == null) {
                        return null;
                    }
                    String[] parts = new String(bytes, StandardCharsets.UTF_8).split(SEPARATOR, -1);
                    if (parts.length != 3) {
                        throw new SerializationException("Not a segment key on topic " + topic);
                    }
                    return new Segment(parts[0], parts[1], parts[2]);
                });
    }
}
