package dev.segmentation.window.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The registry has no schema under the id a record names. Unlike an unreachable registry this is a fact about the
 * record, not a passing problem, so the record can be set aside instead of stopping the application.
 */
public class SchemaNotFoundException extends SerializationException {

    private static final long serialVersionUID = 1L;

    public SchemaNotFoundException(String message) {
        super(message);
    }
}
