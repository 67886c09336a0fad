package dev.segmentation.window.ingest;

import java.util.Locale;

/**
 * An input record that goes to the dead-letter topic, unchanged, with headers saying why.
 *
 * @param reason         the kind of problem
 * @param exceptionClass the class of the exception that describes it
 * @param message        what exactly is wrong
 * @param value          the record's original value bytes
 */
public record Rejected(Reason reason, String exceptionClass, String message, byte[] value) implements Ingested {

    /** Why a record is rejected; the dead-letter header carries the lower-case name. */
    public enum Reason {
        /** Not Avro in the Confluent wire format, an unknown schema id, or bytes the schema cannot read. */
        UNDECODABLE,
        /** Decoded, but not a usable event: an empty user id, schema version 0, or a key that is not its user id. */
        INVALID,
        /** So far behind its topic partition that duplicates of it could no longer be recognised. */
        EXPIRED;

        /** The value of the reason header. */
        public String headerValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
