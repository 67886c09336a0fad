package dev.segmentation.window.transforms;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

import org.apache.kafka.connect.transforms.Transformation;
import org.junit.jupiter.api.Test;

/**
 * A worker with {@code plugin.discovery=service_load} only sees what the services file lists, so a transform
 * missing from it is invisible in production while every other test passes.
 */
class ServiceRegistrationTest {

    static final String SERVICES_FILE = "META-INF/services/" + Transformation.class.getName();

    static List<String> listedClassNames() throws IOException {
        Path file = TransformClasses.mainClassesRoot().resolve(SERVICES_FILE);
        return Files.readAllLines(file).stream()
                .map(line -> line.replaceFirst("#.*", "").trim())
                .filter(line -> !line.isEmpty())
                .toList();
    }

    @Test
    void everyListedClassLoadsAndIsAConcreteTransformation() throws IOException {
        List<String> listed = listedClassNames();

        assertThat(listed).isNotEmpty().doesNotHaveDuplicates();
        for (String name : listed) {
            Class<?> type = TransformClasses.load(name);
            assertThat(Transformation.class.isAssignableFrom(type)).as("%s is a Transformation", name).isTrue();
            assertThat(TransformClasses.instantiate(type)).as("%s has a public no-argument constructor", name)
                    .isInstanceOf(Transformation.class);
        }
    }

    @Test
    void everyConcreteTransformationInThePackageIsListed() throws IOException {
        List<String> inPackage = TransformClasses.concreteTransformations().stream().map(Class::getName).toList();

        // Five today: a floor so that a scan finding nothing cannot pass as "everything listed".
        assertThat(inPackage).hasSizeGreaterThanOrEqualTo(5);
        assertThat(listedClassNames()).containsExactlyInAnyOrderElementsOf(inPackage);
    }

    @Test
    void theServiceLoaderFindsThemAll() {
        @SuppressWarnings("rawtypes")
        List<String> loaded = ServiceLoader.load(Transformation.class).stream()
                .map(ServiceLoader.Provider::type)
                .map(Class::getName)
                .filter(name -> name.startsWith(TransformClasses.PACKAGE + "."))
                .toList();

        assertThat(loaded).containsExactlyInAnyOrderElementsOf(
                TransformClasses.concreteTransformations().stream().map(Class::getName).toList());
    }
}
