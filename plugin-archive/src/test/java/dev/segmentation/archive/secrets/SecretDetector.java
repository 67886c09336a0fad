package dev.segmentation.archive.secrets;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Finds lines that look like they hold a secret: private keys, cloud access keys, passwords in JDBC URLs, and
 * secret-named config values (JSON, properties, YAML, XML, JAAS, code) that are literals rather than references
 * such as {@code ${env:NAME}}. A heuristic meant to catch the usual accidents before they are pushed, not a
 * proof that nothing leaked.
 */
public final class SecretDetector {

    /** Files whose lines are {@code key=value} or {@code key: value}. */
    private static final Set<String> KEY_VALUE_EXTENSIONS =
            Set.of("properties", "conf", "cfg", "ini", "env", "yml", "yaml", "toml");
    private static final Predicate<String> KEY_VALUE_FILES = fileName -> fileName.startsWith(".env")
            || KEY_VALUE_EXTENSIONS.contains(fileName.substring(fileName.lastIndexOf('.') + 1));

    private final List<SecretRule> rules;

    /** A detector with the given rules; see {@link #standard()} for the usual ones. */
    public SecretDetector(List<SecretRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The rules this repository is checked with. */
    public static SecretDetector standard() {
        return new SecretDetector(List.of(
                // Any PEM private key: PKCS#8, RSA, EC, DSA, OpenSSH, encrypted.
                SecretRule.anywhere("PEM private key block", "-{5}BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-{5}"),
                SecretRule.anywhere("AWS access key id", "(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA"
                        + "|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}(?![A-Z0-9])"),
                SecretRule.anywhere("AWS secret access key",
                        "(?i)aws.{0,20}?secret.{0,20}?[\\s\"'=:]+(?<value>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"),
                SecretRule.anywhere("JDBC URL with an inline password",
                        "(?i)jdbc:[^\\s\"'<>]*?[?&;]password=(?<value>[^&;\\s\"'<>]*)"),
                SecretRule.anywhere("JDBC URL with an inline password",
                        "(?i)jdbc:[a-z0-9:]+//[^/\\s:@\"'<>]+:(?<value>[^@/\\s\"'<>]+)@"),
                SecretRule.anywhere("JDBC URL with an inline password",
                        "(?i)jdbc:oracle:[a-z]+:[^/\\s:@\"'<>]+/(?<value>[^@\\s\"'<>]+)@"),
                // JSON, and the same shape in Python dicts, YAML flow maps, JSON inside strings.
                SecretRule.anywhere("literal secret in a JSON value",
                        "\"(?<key>[^\"\\\\]*)\"\\s*:\\s*\"(?<value>(?:[^\"\\\\]|\\\\.)*)\""),
                SecretRule.anywhere("literal secret in a JSON value",
                        "'(?<key>[^'\\\\]*)'\\s*:\\s*'(?<value>(?:[^'\\\\]|\\\\.)*)'"),
                // Comments are left alone here: prose such as "Secrets: never commit them" would read as a value.
                SecretRule.inFiles("literal secret in a key=value file", KEY_VALUE_FILES,
                        "^\\s*(?:-\\s+)?(?:export\\s+)?(?<key>[A-Za-z0-9_.\\-]+)\\s*[=:]\\s*"
                                + "(?<value>.*?)(?:\\s+#.*)?$"),
                // JAAS configs (password="..."), and code that assigns a quoted literal to a password variable.
                SecretRule.anywhere("literal password assigned in code or JAAS",
                        "(?i)(?<key>[A-Za-z0-9_.]*pass(?:word|wd))\\s*=\\s*"
                                + "\\\\?(?<q>[\"'])(?<value>[^\"'\\\\]*)\\\\?\\k<q>"),
                SecretRule.anywhere("literal secret in an XML element",
                        "<(?<key>[A-Za-z0-9_.:\\-]+)>(?<value>[^<]*)</\\k<key>>")));
    }

    /**
     * The lines of one file that look like they hold a secret, at most one finding per line.
     *
     * @param path    the file's repository-relative path, used in findings and to pick the rules that apply
     * @param content the file's text
     */
    public List<SecretFinding> scan(String path, String content) {
        String fileName = path.substring(path.lastIndexOf('/') + 1);
        List<SecretRule> applicable = rules.stream().filter(rule -> rule.appliesTo(fileName)).toList();
        List<SecretFinding> findings = new ArrayList<>();
        String[] lines = content.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            for (SecretRule rule : applicable) {
                if (rule.matches(lines[i])) {
                    findings.add(new SecretFinding(path, i + 1, rule.name()));
                    break;
                }
            }
        }
        return findings;
    }
}
