package dev.segmentation.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of the bundle, which every plugin reports to the Connect worker: all modules are built and released
 * together, so they share it. It is taken from a resource that Maven filters at build time.
 */
public final class BundleVersion {

    private static final String VERSION = load();

    private BundleVersion() {
    }

    /** The project version the bundle was built as, e.g. {@code 0.1.0}. */
    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = BundleVersion.class.getResourceAsStream("/segmentation-events-version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the bundle version resource", e);
        }
    }
}
