package dev.segmentation.window.ingest;

/**
 * Names the dead-letter reason of an event so late that the deduplication store no longer remembers its time.
 * Never thrown; see {@link InvalidEventException}.
 */
public final class ExpiredEventException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private ExpiredEventException() {
    }
}
