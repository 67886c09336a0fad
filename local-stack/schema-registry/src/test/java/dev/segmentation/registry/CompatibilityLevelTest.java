package dev.segmentation.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class CompatibilityLevelTest {

    private static Schema record(String fields) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"User\",\"fields\":[" + fields + "]}");
    }

    private static final Schema V1 = record("{\"name\":\"id\",\"type\":\"string\"}");
    private static final Schema WITH_OPTIONAL = record("{\"name\":\"id\",\"type\":\"string\"},"
            + "{\"name\":\"lang\",\"type\":[\"null\",\"string\"],\"default\":null}");
    private static final Schema WITH_REQUIRED = record("{\"name\":\"id\",\"type\":\"string\"},"
            + "{\"name\":\"age\",\"type\":\"int\"}");
    private static final Schema ID_AS_INT = record("{\"name\":\"id\",\"type\":\"int\"}");

    @Test
    void addingAFieldWithDefaultIsFullyCompatible() {
        assertThat(CompatibilityLevel.FULL.violations(WITH_OPTIONAL, List.of(V1))).isEmpty();
    }

    @Test
    void addingARequiredFieldBreaksBackwardButNotForward() {
        // New readers cannot fill 'age' from old data; old readers simply ignore it.
        assertThat(CompatibilityLevel.BACKWARD.violations(WITH_REQUIRED, List.of(V1)))
                .singleElement().asString().contains("READER_FIELD_MISSING_DEFAULT_VALUE");
        assertThat(CompatibilityLevel.FORWARD.violations(WITH_REQUIRED, List.of(V1))).isEmpty();
        assertThat(CompatibilityLevel.FULL.violations(WITH_REQUIRED, List.of(V1))).isNotEmpty();
    }

    @Test
    void changingATypeBreaksEveryDirectionButNone() {
        assertThat(CompatibilityLevel.BACKWARD.violations(ID_AS_INT, List.of(V1))).isNotEmpty();
        assertThat(CompatibilityLevel.FORWARD.violations(ID_AS_INT, List.of(V1))).isNotEmpty();
        assertThat(CompatibilityLevel.NONE.violations(ID_AS_INT, List.of(V1))).isEmpty();
    }

    @Test
    void transitiveLevelsCompareWithEveryVersionPlainOnesWithTheLatest() {
        // History: V1, then WITH_REQUIRED (say, registered while the subject was at NONE).
        List<Schema> history = List.of(V1, WITH_REQUIRED);
        // Registering WITH_REQUIRED's twin again: it reads the latest version's data, which has 'age',
        // but not V1's data, which lacks it and gives no default.
        Schema candidate = record("{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"age\",\"type\":\"int\"},"
                + "{\"name\":\"lang\",\"type\":[\"null\",\"string\"],\"default\":null}");
        assertThat(CompatibilityLevel.BACKWARD.violations(candidate, history)).isEmpty();
        assertThat(CompatibilityLevel.BACKWARD_TRANSITIVE.violations(candidate, history))
                .singleElement().asString().contains("age");
    }

    @Test
    void unknownLevelNamesTheAllowedOnes() {
        assertThatThrownBy(() -> CompatibilityLevel.parse("SIDEWAYS"))
                .isInstanceOf(RegistryException.class).hasMessageContaining("BACKWARD_TRANSITIVE");
        assertThat(CompatibilityLevel.parse("full_transitive")).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
    }
}
