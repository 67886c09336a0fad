package dev.segmentation.window.transforms;

import java.util.regex.Pattern;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Validators shared by the transforms' {@code ConfigDef}s, each with a description the generated docs can show. */
final class Validators {

    private Validators() {
    }

    /**
     * A non-empty list of distinct, non-blank field names. Kafka's {@code ValidList} does the checking; it is
     * wrapped only because its own description is empty, which would leave a blank in the generated docs.
     */
    static ConfigDef.Validator fieldNames() {
        ConfigDef.Validator list = ConfigDef.ValidList.anyNonDuplicateValues(false, false);
        return ConfigDef.LambdaValidator.with(list::ensureValid,
                () -> "a non-empty, comma-separated list of distinct field names");
    }

    /** A string whose every character is matched by {@code allowedChars}, such as {@code [A-Za-z0-9_]}; may be empty. */
    static ConfigDef.Validator onlyChars(String allowedChars) {
        Pattern pattern = Pattern.compile(allowedChars + "*");
        String description = "a possibly empty string of the characters " + allowedChars;
        return ConfigDef.LambdaValidator.with((name, value) -> {
            if (!(value instanceof String string) || !pattern.matcher(string).matches()) {
                throw new ConfigException(name, value, "must be " + description);
            }
        }, () -> description);
    }
}
