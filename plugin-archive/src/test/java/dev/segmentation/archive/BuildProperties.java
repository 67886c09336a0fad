package dev.segmentation.archive;

import java.nio.file.Path;

/**
 * What the build tells the integration tests about the archive it made, through failsafe's system properties
 * (see this module's pom), so that names and paths are declared once, in Maven.
 */
final class BuildProperties {

    private BuildProperties() {
    }

    /** The built Confluent Hub component zip. */
    static Path componentZip() {
        return Path.of(required("component.zip"));
    }

    /** The zip's single top-level folder: {@code owner-name-version}. */
    static String componentBaseName() {
        return required("component.basename");
    }

    static String componentOwner() {
        return required("component.owner");
    }

    static String componentName() {
        return required("component.name");
    }

    static String componentVersion() {
        return required("component.version");
    }

    /** The repository's {@code connector-configs/} folder, which the archive's {@code etc/} must mirror. */
    static Path connectorConfigs() {
        return Path.of(required("connector.configs"));
    }

    private static String required(String key) {
        String value = System.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property " + key + " is not set: run the integration tests"
                    + " through Maven (mvn verify), whose failsafe configuration passes it");
        }
        return value;
    }
}
