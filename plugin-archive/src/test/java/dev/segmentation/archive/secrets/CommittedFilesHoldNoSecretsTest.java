package dev.segmentation.archive.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * No file committed anywhere in the repository looks like it holds a secret. Connector configs and worker
 * properties must point at secrets through config providers ({@code ${env:...}}, {@code ${file:...}},
 * {@code ${directory:...}}); generated local secrets live under the ignored {@code .pipeline/}.
 */
class CommittedFilesHoldNoSecretsTest {

    /** Git's own test for binary content: a NUL byte near the start. */
    private static final int BINARY_PROBE_BYTES = 8000;

    @Test
    void noCommittedFileHoldsASecret() throws IOException {
        Path root = RepositoryFiles.root(Path.of(""));
        List<Path> files = RepositoryFiles.committed(root);
        assertThat(files).as("files listed under %s", root).contains(Path.of("pom.xml"));

        SecretDetector detector = SecretDetector.standard();
        List<SecretFinding> findings = new ArrayList<>();
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(root.resolve(file));
            if (!isBinary(bytes)) {
                String path = file.toString().replace(File.separatorChar, '/');
                findings.addAll(detector.scan(path, new String(bytes, StandardCharsets.UTF_8)));
            }
        }

        assertThat(findings)
                .as("lines that look like secrets; refer to them with ${env:...} or ${file:...} instead")
                .isEmpty();
    }

    private static boolean isBinary(byte[] bytes) {
        for (int i = 0; i < Math.min(bytes.length, BINARY_PROBE_BYTES); i++) {
            if (bytes[i] == 0) {
                return true;
            }
        }
        return false;
    }
}
