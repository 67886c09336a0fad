package dev.segmentation.archive;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.spi.ToolProvider;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The class-to-class references in some jars, read from their bytecode by the JDK's {@code jdeps}, each with
 * where the referenced class was found: a JDK module, a jar of the class path, or nowhere.
 */
final class ClassReferences {

    /** jdeps' verbose line: {@code    origin -> target    location}. */
    private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s+(.+?)\\s*$");
    private static final String NOT_FOUND = "not found";

    /**
     * A reference from one class to another.
     *
     * @param location the JDK module or jar name jdeps found {@code to} in, or {@code not found}
     */
    record Reference(String from, String to, String location) {

        /** Neither the JDK nor the class path jdeps was given holds the referenced class. */
        boolean unresolved() {
            return NOT_FOUND.equals(location);
        }
    }

    private final Map<String, List<Reference>> byOrigin;

    private ClassReferences(Map<String, List<Reference>> byOrigin) {
        this.byOrigin = byOrigin;
    }

    /**
     * Reads every reference made by a class in {@code jars}, resolving targets against the JDK and
     * {@code classPath}.
     */
    static ClassReferences read(List<Path> jars, List<Path> classPath) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps")
                .orElseThrow(() -> new IllegalStateException("jdeps is missing: run the tests on a full JDK"));
        String path = classPath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
        // -filter:none keeps references within a package, which jdeps hides by default; the walk needs them.
        List<String> args = new ArrayList<>(List.of("-verbose:class", "-filter:none",
                "--multi-release", Integer.toString(Runtime.version().feature()), "--class-path", path));
        jars.forEach(jar -> args.add(jar.toString()));

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = jdeps.run(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
        if (exit != 0) {
            throw new IllegalStateException("jdeps " + args + " failed with " + exit + ": " + err);
        }

        Map<String, List<Reference>> byOrigin = new HashMap<>();
        for (String line : out.toString().split("\\R")) {
            Matcher edge = EDGE.matcher(line);
            if (edge.matches()) {
                Reference reference = new Reference(edge.group(1), edge.group(2), edge.group(3));
                byOrigin.computeIfAbsent(reference.from(), origin -> new ArrayList<>()).add(reference);
            }
        }
        return new ClassReferences(byOrigin);
    }

    /** Whether {@code className} is one of the analysed classes. */
    boolean defines(String className) {
        return byOrigin.containsKey(className);
    }

    /** The references {@code className} makes; empty for a class outside the analysed jars. */
    List<Reference> from(String className) {
        return byOrigin.getOrDefault(className, List.of());
    }
}
