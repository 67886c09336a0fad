package dev.segmentation.window.ingest;

/**
 * Names the dead-letter reason of a decoded event that is not usable, such as one with an empty user id. It is
 * never thrown: its class name goes into the dead-letter headers like that of a real decoding exception.
 */
public final class InvalidEventException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private InvalidEventException() {
    }
}
