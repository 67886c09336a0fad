package dev.segmentation.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * The compatibility rules a subject enforces, decided by Avro's own reader/writer resolution rules.
 *
 * <p>BACKWARD means consumers using the new schema can read data written with earlier ones; FORWARD the
 * reverse; FULL both. Plain levels compare with the latest version only, transitive ones with every version.
 */
enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    private final boolean newReadsOld;
    private final boolean oldReadsNew;
    private final boolean transitive;

    CompatibilityLevel(boolean newReadsOld, boolean oldReadsNew, boolean transitive) {
        this.newReadsOld = newReadsOld;
        this.oldReadsNew = oldReadsNew;
        this.transitive = transitive;
    }

    static CompatibilityLevel parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new RegistryException(RegistryException.INVALID_COMPATIBILITY_LEVEL, "Invalid compatibility level '"
                    + value + "'; use one of NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, "
                    + "FULL_TRANSITIVE");
        }
    }

    /**
     * Why the candidate may not follow the existing versions (oldest first); empty when it may.
     */
    List<String> violations(Schema candidate, List<Schema> existingOldestFirst) {
        List<String> messages = new ArrayList<>();
        if (existingOldestFirst.isEmpty()) {
            return messages;
        }
        List<Schema> compared = transitive ? existingOldestFirst
                : List.of(existingOldestFirst.get(existingOldestFirst.size() - 1));
        for (Schema existing : compared) {
            if (newReadsOld) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, existing), "new schema reading old data", messages);
            }
            if (oldReadsNew) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(existing, candidate), "old schema reading new data", messages);
            }
        }
        return messages;
    }

    private static void describe(SchemaCompatibility.SchemaPairCompatibility result, String direction, List<String> messages) {
        if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
            result.getResult().getIncompatibilities().forEach(incompatibility -> messages.add(direction + ": "
                    + incompatibility.getType() + " at " + incompatibility.getLocation() + " ("
                    + incompatibility.getMessage() + ")"));
        }
    }
}
