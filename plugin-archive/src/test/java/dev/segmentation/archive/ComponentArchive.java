package dev.segmentation.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A Confluent Hub component zip unpacked into a directory, as a user would unpack it into a directory on the
 * worker's {@code plugin.path}.
 *
 * @param root the component's top-level folder, holding {@code manifest.json}, {@code lib/}, {@code etc/}, ...
 */
record ComponentArchive(Path root) {

    /**
     * Unpacks {@code zip} into {@code directory}, which should be empty so that the component is the only plugin
     * location there.
     *
     * @param baseName the top-level folder the zip is expected to hold
     */
    static ComponentArchive unpack(Path zip, Path directory, String baseName) throws IOException {
        Path target = directory.toAbsolutePath().normalize();
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = archive.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                Path destination = target.resolve(entry.getName()).normalize();
                // An entry like ../x must not land outside the directory (zip slip).
                if (!destination.startsWith(target)) {
                    throw new IOException("Entry " + entry.getName() + " points outside the unpack directory");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(destination);
                } else {
                    Files.createDirectories(destination.getParent());
                    try (InputStream in = archive.getInputStream(entry)) {
                        Files.copy(in, destination);
                    }
                }
            }
        }
        return new ComponentArchive(target.resolve(baseName));
    }

    /** The first path element of every entry in the zip: a component has exactly one. */
    static TreeSet<String> topLevelNames(Path zip) throws IOException {
        TreeSet<String> names = new TreeSet<>();
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            archive.stream().map(entry -> entry.getName().split("/", 2)[0]).forEach(names::add);
        }
        return names;
    }

    Path manifest() {
        return root.resolve("manifest.json");
    }

    Path lib() {
        return root.resolve("lib");
    }

    Path etc() {
        return root.resolve("etc");
    }

    Path doc() {
        return root.resolve("doc");
    }

    Path assets() {
        return root.resolve("assets");
    }

    /** The jars in {@code lib/}, sorted by name. */
    List<Path> libJars() {
        return regularFiles(lib()).stream().filter(file -> file.getFileName().toString().endsWith(".jar")).toList();
    }

    /** The regular files directly inside {@code directory}, sorted by name. */
    static List<Path> regularFiles(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
