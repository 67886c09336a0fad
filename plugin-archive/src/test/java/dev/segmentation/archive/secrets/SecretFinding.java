package dev.segmentation.archive.secrets;

/**
 * A line that looks like it holds a secret. It names the place and the kind, never the value, so that a
 * failing build does not print the secret it caught into its logs.
 *
 * @param file repository-relative path
 * @param line 1-based line number
 * @param rule what was recognised
 */
public record SecretFinding(String file, int line, String rule) {

    @Override
    public String toString() {
        return file + ":" + line + ": " + rule;
    }
}
