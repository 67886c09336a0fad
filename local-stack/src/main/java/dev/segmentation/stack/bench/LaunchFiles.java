package dev.segmentation.stack.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where each launch of the benchmark's application keeps its settings, its log and its state: one directory
 * ({@code ./pipeline} passes {@code <stack home>/bench}), of which only the newest launches' files stay.
 *
 * <p>The settings and the log outlive a run, so that a surprising figure can be looked into, but a user who runs the
 * benchmark often should not find hundreds of them. The state is deleted when its launch ends; a launch killed
 * outright leaves it, and the next launch's pruning removes it with that launch's other files.
 */
final class LaunchFiles {

    /** The last four runs' floor and application. */
    static final int KEPT_LAUNCHES = 8;

    private static final String SETTINGS = ".properties";
    private static final String LOG = ".log";
    private static final String STATE = ".state";

    private final Path directory;

    LaunchFiles(Path directory) throws IOException {
        this.directory = Files.createDirectories(directory);
    }

    /** The default when no directory is given: one under the system's temporary directory. */
    static Path defaultDirectory() {
        return Path.of(System.getProperty("java.io.tmpdir"), "segmentation-bench");
    }

    Path settings(String applicationId) {
        return directory.resolve(applicationId + SETTINGS);
    }

    Path log(String applicationId) {
        return directory.resolve(applicationId + LOG);
    }

    Path state(String applicationId) throws IOException {
        return Files.createDirectories(directory.resolve(applicationId + STATE));
    }

    /**
     * Deletes the files of every launch but the newest {@code kept}, newest by the time their files were last
     * changed. Files of other names are left alone.
     */
    void keepNewest(int kept) throws IOException {
        Map<String, List<Path>> byLaunch = new HashMap<>();
        Map<String, Long> lastChanged = new HashMap<>();
        try (Stream<Path> entries = Files.list(directory)) {
            for (Path entry : entries.toList()) {
                String launch = launchOf(entry.getFileName().toString());
                if (launch != null) {
                    byLaunch.computeIfAbsent(launch, key -> new ArrayList<>()).add(entry);
                    lastChanged.merge(launch, Files.getLastModifiedTime(entry).toMillis(), Math::max);
                }
            }
        }
        List<String> newestFirst = new ArrayList<>(byLaunch.keySet());
        newestFirst.sort(Comparator.comparing(lastChanged::get, Comparator.reverseOrder()));
        for (String launch : newestFirst.subList(Math.min(kept, newestFirst.size()), newestFirst.size())) {
            for (Path entry : byLaunch.get(launch)) {
                delete(entry);
            }
        }
    }

    /** Deletes a file, or a directory with everything in it. */
    static void delete(Path path) throws IOException {
        try (Stream<Path> files = Files.walk(path)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    private static String launchOf(String fileName) {
        for (String suffix : List.of(SETTINGS, LOG, STATE)) {
            if (fileName.endsWith(suffix)) {
                return fileName.substring(0, fileName.length() - suffix.length());
            }
        }
        return null;
    }
}
