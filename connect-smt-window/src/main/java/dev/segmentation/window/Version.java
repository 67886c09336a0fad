package dev.segmentation.window;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of this module's plugins, taken from a resource that Maven filters at build time. */
public final class Version {

    private static final String VERSION = load();

    private Version() {
    }

    /** The project version this module was built as, e.g. {@code 0.1.0}. */
    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("/connect-smt-window-version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the plugin version resource", e);
        }
    }
}
