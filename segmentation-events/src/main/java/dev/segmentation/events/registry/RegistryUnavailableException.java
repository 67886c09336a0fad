package dev.segmentation.events.registry;

/**
 * No registry URL answered, or each answered with a server error, through every retry. Unlike a refusal this may
 * pass, so callers hand it on as a retriable failure.
 */
public class RegistryUnavailableException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
