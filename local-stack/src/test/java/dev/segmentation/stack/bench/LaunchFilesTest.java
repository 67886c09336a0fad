package dev.segmentation.stack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only the newest launches' settings, logs and leftover state stay in the benchmark's directory. */
class LaunchFilesTest {

    @TempDir
    Path directory;

    @Test
    void keepsTheNewestLaunchesWholeAndDeletesTheOthersWhole() throws Exception {
        LaunchFiles files = new LaunchFiles(directory);
        for (int launch = 1; launch <= 4; launch++) {
            String id = "bench1-app" + launch;
            Files.writeString(files.settings(id), "application.id=" + id);
            Files.writeString(files.log(id), "log");
            Files.writeString(files.state(id).resolve("0_0.lock"), "");
            // The oldest launch's log was written last of its files; launches are ordered by their newest file.
            for (Path file : new Path[] {files.settings(id), files.log(id), files.state(id).resolve("0_0.lock")}) {
                Files.setLastModifiedTime(file, FileTime.fromMillis(1_000_000L * launch));
            }
            Files.setLastModifiedTime(files.state(id), FileTime.fromMillis(1_000_000L * launch));
        }
        Files.setLastModifiedTime(files.log("bench1-app1"), FileTime.fromMillis(10_000_000L));
        Files.writeString(directory.resolve("notes.txt"), "not the benchmark's");

        files.keepNewest(2);

        assertThat(names()).containsExactlyInAnyOrder("notes.txt",
                "bench1-app1.properties", "bench1-app1.log", "bench1-app1.state",
                "bench1-app4.properties", "bench1-app4.log", "bench1-app4.state");
    }

    @Test
    void keepingMoreThanThereAreDeletesNothing() throws Exception {
        LaunchFiles files = new LaunchFiles(directory.resolve("bench"));
        Files.writeString(files.log("bench1-floor1"), "log");

        files.keepNewest(LaunchFiles.KEPT_LAUNCHES - 1);

        assertThat(Files.exists(files.log("bench1-floor1"))).isTrue();
    }

    private List<String> names() throws Exception {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(path -> path.getFileName().toString()).toList();
        }
    }
}
