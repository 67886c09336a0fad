package dev.segmentation.window.transforms;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * The module's compiled classes, found on disk rather than from a list, so that a transform someone adds later is
 * covered by the tests that use this without anyone remembering to register it here.
 */
final class TransformClasses {

    static final String PACKAGE = TopicToTable.class.getPackageName();

    private TransformClasses() {
    }

    /** The directory (or jar) the main classes were loaded from: target/classes under Maven. */
    static Path mainClassesRoot() {
        try {
            return Path.of(TopicToTable.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every public, concrete {@link Transformation} compiled into the package, nested classes included. */
    static List<Class<?>> concreteTransformations() {
        Path packageDir = mainClassesRoot().resolve(PACKAGE.replace('.', '/'));
        try (Stream<Path> files = Files.list(packageDir)) {
            return files.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(".class"))
                    .<Class<?>>map(name -> load(PACKAGE + "." + name.substring(0, name.length() - ".class".length())))
                    .filter(Transformation.class::isAssignableFrom)
                    .filter(type -> !type.isInterface() && !Modifier.isAbstract(type.getModifiers()))
                    .filter(type -> Modifier.isPublic(type.getModifiers()))
                    .sorted((a, b) -> a.getName().compareTo(b.getName()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Class<?> load(String className) {
        try {
            return Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("Cannot load " + className, e);
        }
    }

    @SuppressWarnings("unchecked")
    static Transformation<SinkRecord> instantiate(Class<?> type) {
        try {
            return (Transformation<SinkRecord>) type.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot instantiate " + type.getName(), e);
        }
    }
}
