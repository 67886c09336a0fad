package dev.segmentation.window.ingest;

/**
 * A watermark heartbeat from a bounded run: it moves event time forward so the last windows close, and is never
 * counted.
 *
 * @param topic the input topic it arrived on; a partition's watermark counts once all six topics have sent theirs
 */
public record Watermark(String topic) implements Ingested {

    /** Header that marks a watermark record (which also has a null value and the key {@link #KEY}). */
    public static final String HEADER = "segmentation.watermark";
    /** Key of watermark records. */
    public static final String KEY = "__watermark__";
}
