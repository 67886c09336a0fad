package dev.segmentation.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every class a plugin can reach through our code must exist once the zip is on a worker: in the JDK, in the
 * archive's {@code lib/}, or among the packages the worker itself provides (what the assembly leaves out).
 *
 * <p>This is the check behind the assembly's exclusions. A plugin that reached Kafka Streams, RocksDB or Avro,
 * which the archive does not ship, would load fine and fail with {@code NoClassDefFoundError} only on the code
 * path that needs them; here it fails at build time, naming the chain of classes that leads there.
 */
class PluginClassesResolveIT {

    /** Packages on every Connect worker's classpath, which the assembly therefore excludes. */
    private static final List<String> WORKER_PACKAGES = List.of("org.apache.kafka.clients.",
            "org.apache.kafka.common.", "org.apache.kafka.connect.", "org.slf4j.", "com.fasterxml.jackson.",
            "org.apache.logging.log4j.");

    @TempDir
    Path directory;

    @Test
    void everyClassAPluginReachesIsInTheJdkTheArchiveOrTheWorker() throws IOException {
        ComponentArchive archive = ComponentArchive.unpack(BuildProperties.componentZip(), directory,
                BuildProperties.componentBaseName());
        List<PluginDeclaration> plugins = PluginDeclaration.readAll(archive.libJars());
        List<Path> pluginJars = plugins.stream().map(PluginDeclaration::jar).distinct().toList();
        // Only our own jars are walked: third-party jars in lib/ have optional dependencies of their own that
        // jdeps would report, and whether they need them is their business, not the bundle's.
        ClassReferences references = ClassReferences.read(pluginJars, archive.libJars());

        Map<String, String> reachedFrom = new HashMap<>();
        Deque<String> pending = new ArrayDeque<>();
        List<String> problems = new ArrayList<>();
        for (PluginDeclaration plugin : plugins) {
            if (!references.defines(plugin.className())) {
                problems.add(plugin.className() + " is declared in " + plugin.jar().getFileName() + " but not there");
            } else if (reachedFrom.putIfAbsent(plugin.className(), "") == null) {
                pending.add(plugin.className());
            }
        }

        int fromWorker = 0;
        while (!pending.isEmpty()) {
            String current = pending.poll();
            for (ClassReferences.Reference reference : references.from(current)) {
                if (references.defines(reference.to())) {
                    if (reachedFrom.putIfAbsent(reference.to(), current) == null) {
                        pending.add(reference.to());
                    }
                } else if (reference.unresolved()) {
                    if (providedByWorker(reference.to())) {
                        fromWorker++;
                    } else {
                        problems.add(chain(reachedFrom, current) + " -> " + reference.to());
                    }
                }
            }
        }

        assertThat(plugins).as("plugins declared in lib/").isNotEmpty();
        assertThat(problems).as("classes reached from a plugin that a worker with this archive lacks").isEmpty();
        // Plugins use the Connect API, which jdeps cannot find on lib/: proof the analysis saw those references.
        assertThat(fromWorker).as("references left to the worker's own classes").isPositive();
    }

    private static boolean providedByWorker(String className) {
        return WORKER_PACKAGES.stream().anyMatch(className::startsWith);
    }

    /** The classes from a plugin down to {@code className}, as found by the walk. */
    private static String chain(Map<String, String> reachedFrom, String className) {
        Deque<String> chain = new ArrayDeque<>();
        for (String current = className; !current.isEmpty(); current = reachedFrom.get(current)) {
            chain.addFirst(current);
        }
        return String.join(" -> ", chain);
    }
}
