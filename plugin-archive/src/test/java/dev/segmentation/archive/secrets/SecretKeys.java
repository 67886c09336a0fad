package dev.segmentation.archive.secrets;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Tells config keys whose value is a secret from the rest. */
public final class SecretKeys {

    /**
     * Key words, after lower-casing and turning {@code _} and {@code -} into dots; {@code user.info} is the
     * {@code user:password} pair of a schema registry client ({@code basic.auth.user.info}).
     */
    private static final List<String> SECRET_WORDS = List.of("password", "passwd", "secret", "token",
            "private.key", "privatekey", "api.key", "apikey", "credential", "user.info");
    /**
     * Last key segments that make the key about a secret rather than the secret itself: where it is stored
     * ({@code ssl.keystore.password.file}, {@code private.key.location}), which kind it is, a URL to fetch a token
     * from, where a client takes it from ({@code basic.auth.credentials.source}), a duration. A JDBC URL's password
     * is caught by its own rule.
     */
    private static final Set<String> DESCRIPTIVE_SUFFIXES = Set.of("file", "path", "location", "dir", "directory",
            "url", "uri", "endpoint", "class", "type", "algorithm", "mechanism", "enable", "enabled", "ms",
            "seconds", "size", "length", "count", "format", "name", "provider", "source");

    private SecretKeys() {
    }

    /** Whether a key such as {@code connection.password} or {@code AWS_SECRET_ACCESS_KEY} names a secret. */
    public static boolean namesSecret(String key) {
        String normalized = key.toLowerCase(Locale.ROOT).replace('_', '.').replace('-', '.');
        String lastSegment = normalized.substring(normalized.lastIndexOf('.') + 1);
        return SECRET_WORDS.stream().anyMatch(normalized::contains) && !DESCRIPTIVE_SUFFIXES.contains(lastSegment);
    }
}
