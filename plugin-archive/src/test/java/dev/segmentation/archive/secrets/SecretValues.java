package dev.segmentation.archive.secrets;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Tells a literal secret from the values that only point at one, or stand in for one: what committed configs
 * are allowed to hold in a secret's place.
 */
public final class SecretValues {

    /** Kafka config providers, resolved by the worker: {@code ${env:NAME}}, {@code ${file:path:key}}, ... */
    private static final Pattern PROVIDER_REFERENCES = Pattern.compile("(?:\\$\\{(?:env|file|directory):[^}]+})+");
    /** A shell, Compose or Maven environment variable without a default: {@code $NAME}, {@code ${NAME}}. */
    private static final Pattern ENVIRONMENT_REFERENCE =
            Pattern.compile("\\$[A-Za-z_][A-Za-z0-9_]*|\\$\\{(?:env\\.)?[A-Za-z_][A-Za-z0-9_]*}");
    /** Template variables and documentation placeholders: {@code {{ conn.password }}}, {@code <password>}. */
    private static final Pattern TEMPLATE = Pattern.compile("\\{\\{.*}}|<[^<>]+>");
    /** Masks: {@code ****}, {@code xxxx}, {@code ...}. */
    private static final Pattern MASK = Pattern.compile("[*xX.]+");
    /** YAML block scalar indicators: the value itself is on the next lines. */
    private static final Pattern BLOCK_SCALAR = Pattern.compile("[|>][-+]?");
    private static final Set<String> PLACEHOLDER_WORDS =
            Set.of("changeme", "change-me", "change_me", "null", "none", "redacted");

    private SecretValues() {
    }

    /**
     * Whether {@code value} (surrounding blanks and one pair of quotes ignored) is empty, a reference to where
     * the secret really lives, or an obvious placeholder, rather than a literal that could be the secret.
     */
    public static boolean isReferenceOrPlaceholder(String value) {
        String bare = unquote(value.strip());
        return bare.isEmpty()
                || PROVIDER_REFERENCES.matcher(bare).matches()
                || ENVIRONMENT_REFERENCE.matcher(bare).matches()
                || TEMPLATE.matcher(bare).matches()
                || MASK.matcher(bare).matches()
                || BLOCK_SCALAR.matcher(bare).matches()
                || PLACEHOLDER_WORDS.contains(bare.toLowerCase(Locale.ROOT));
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1).strip();
        }
        return value;
    }
}
