package dev.segmentation.events.registry;

/**
 * The registry has no schema under the id, or the subject does not hold the schema. Unlike an unreachable registry
 * this is a fact about the record, not a passing problem, so the record can be set aside.
 */
public class SchemaNotFoundException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    public SchemaNotFoundException(String message) {
        super(message);
    }
}
