package dev.segmentation.archive.secrets;

import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One kind of secret, recognised on a single line by a pattern. A pattern may capture a {@code key} group,
 * which must name a secret ({@link SecretKeys}), and a {@code value} group, which must be a literal rather than
 * a reference or placeholder ({@link SecretValues}); a pattern without them flags any match.
 */
public final class SecretRule {

    private final String name;
    private final Predicate<String> fileNames;
    private final Pattern pattern;
    private final boolean checksKey;
    private final boolean checksValue;

    private SecretRule(String name, Predicate<String> fileNames, Pattern pattern) {
        this.name = name;
        this.fileNames = fileNames;
        this.pattern = pattern;
        this.checksKey = pattern.pattern().contains("(?<key>");
        this.checksValue = pattern.pattern().contains("(?<value>");
    }

    /** A rule for every file. */
    public static SecretRule anywhere(String name, String regex) {
        return new SecretRule(name, fileName -> true, Pattern.compile(regex));
    }

    /** A rule for files whose lower-cased name satisfies {@code fileNames}: syntax that means something there. */
    public static SecretRule inFiles(String name, Predicate<String> fileNames, String regex) {
        return new SecretRule(name, fileName -> fileNames.test(fileName.toLowerCase(Locale.ROOT)),
                Pattern.compile(regex));
    }

    /** What the rule recognises, as findings report it. */
    public String name() {
        return name;
    }

    /** Whether the rule reads files of this name (the last path element). */
    public boolean appliesTo(String fileName) {
        return fileNames.test(fileName);
    }

    /** Whether {@code line} holds a secret of this kind. */
    public boolean matches(String line) {
        Matcher matcher = pattern.matcher(line);
        while (matcher.find()) {
            boolean secretKey = !checksKey || SecretKeys.namesSecret(matcher.group("key"));
            boolean literalValue = !checksValue || !SecretValues.isReferenceOrPlaceholder(matcher.group("value"));
            if (secretKey && literalValue) {
                return true;
            }
        }
        return false;
    }
}
