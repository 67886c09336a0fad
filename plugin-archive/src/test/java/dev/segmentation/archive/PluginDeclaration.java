package dev.segmentation.archive;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * One class named in a {@code META-INF/services/org.apache.kafka.connect.*} file of a jar: what a worker with
 * {@code plugin.discovery=service_load} finds, and the only source of plugin names the archive tests trust.
 *
 * @param className        the plugin's binary class name, as the services file lists it
 * @param serviceInterface the service the file is named after
 * @param jar              the jar holding the services file
 */
record PluginDeclaration(String className, String serviceInterface, Path jar) {

    private static final String SERVICES = "META-INF/services/";
    private static final String CONNECT_SERVICES = SERVICES + "org.apache.kafka.connect.";

    /** Every plugin declared by any of the jars, in jar and file order. */
    static List<PluginDeclaration> readAll(Collection<Path> jars) throws IOException {
        List<PluginDeclaration> declarations = new ArrayList<>();
        for (Path jar : jars) {
            declarations.addAll(read(jar));
        }
        return declarations;
    }

    /** The plugins one jar declares. */
    static List<PluginDeclaration> read(Path jar) throws IOException {
        List<PluginDeclaration> declarations = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (entry.isDirectory() || !entry.getName().startsWith(CONNECT_SERVICES)) {
                    continue;
                }
                String service = entry.getName().substring(SERVICES.length());
                try (BufferedReader reader = new BufferedReader(
                        new InputStreamReader(file.getInputStream(entry), StandardCharsets.UTF_8))) {
                    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                        String className = providerName(line);
                        if (!className.isEmpty()) {
                            declarations.add(new PluginDeclaration(className, service, jar));
                        }
                    }
                }
            }
        }
        return declarations;
    }

    /** A services file line without its comment and blanks, as {@link java.util.ServiceLoader} reads it. */
    private static String providerName(String line) {
        int comment = line.indexOf('#');
        return (comment >= 0 ? line.substring(0, comment) : line).strip();
    }
}
