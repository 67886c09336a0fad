package dev.segmentation.archive.secrets;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** The files of the repository that holds this build, as its root-relative paths. */
public final class RepositoryFiles {

    /** Build output, version control, the local stack's data and caches: never committed, often huge. */
    private static final Set<String> SKIPPED_DIRECTORIES = Set.of("target", ".git", ".pipeline", "node_modules");

    private RepositoryFiles() {
    }

    /**
     * The nearest directory at or above {@code start} that holds a {@code .git} entry, a folder in a clone or
     * a file in a worktree.
     *
     * @throws IllegalStateException when {@code start} is not inside a repository
     */
    public static Path root(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(".git"))) {
                return dir;
            }
        }
        throw new IllegalStateException("No directory containing .git at or above " + start);
    }

    /**
     * The files git tracks under {@code root}, or, when git cannot say (not installed, not a repository it
     * knows), every file of the tree outside {@link #SKIPPED_DIRECTORIES}. Paths git tracks but the working
     * tree lacks are left out.
     */
    public static List<Path> committed(Path root) {
        List<Path> files = gitLsFiles(root).orElseGet(() -> walk(root));
        return files.stream().filter(file -> Files.isRegularFile(root.resolve(file))).toList();
    }

    /** Every regular file under {@code root}, outside {@link #SKIPPED_DIRECTORIES}, sorted. */
    public static List<Path> walk(Path root) {
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                    boolean skipped = !dir.equals(root) && SKIPPED_DIRECTORIES.contains(dir.getFileName().toString());
                    return skipped ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isRegularFile()) {
                        files.add(root.relativize(file));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.sort(null);
        return files;
    }

    private static Optional<List<Path>> gitLsFiles(Path root) {
        Process git;
        try {
            git = new ProcessBuilder("git", "-C", root.toString(), "ls-files", "-z")
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException notInstalled) {
            return Optional.empty();
        }
        try (InputStream out = git.getInputStream()) {
            // Read to the end before waiting: git blocks on a full pipe, and ls-files ends by closing it.
            byte[] listing = out.readAllBytes();
            if (!git.waitFor(60, TimeUnit.SECONDS) || git.exitValue() != 0) {
                git.destroyForcibly();
                return Optional.empty();
            }
            // -z separates names with NUL and leaves them unquoted, whatever characters they hold.
            String names = new String(listing, StandardCharsets.UTF_8);
            return Optional.of(Arrays.stream(names.split("\0")).filter(name -> !name.isEmpty()).map(Path::of).toList());
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while listing files with git", e);
        }
    }
}
