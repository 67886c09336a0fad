package dev.segmentation.window.ingest;

/** An input record this application cannot read; it goes to the dead-letter topic. */
public class UndecodableEventException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UndecodableEventException(String message) {
        super(message, null, false, false);
    }

    public UndecodableEventException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
