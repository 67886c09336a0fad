package dev.segmentation.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The built component zip, unpacked into an otherwise empty {@code plugin.path} of a real Connect worker that
 * discovers plugins only through their {@code META-INF/services} manifests ({@code plugin.discovery=service_load}).
 * Which plugins to expect is read from the services files inside the zip's jars, never written down here, so
 * the test follows whatever the modules register.
 *
 * <p>Our modules are kept off this JVM's classpath (failsafe's {@code classpathDependencyExcludes}); otherwise
 * the worker would find the plugins there and the discovery check would prove nothing about the zip.
 */
class PluginArchiveIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Jars a Connect worker already ships, or that only the separately run Streams application needs. */
    private static final List<String> FORBIDDEN_JAR_PREFIXES = List.of("kafka-clients-", "connect-api-",
            "connect-runtime-", "connect-json-", "connect-transforms-", "kafka-streams-", "rocksdbjni-", "slf4j-",
            "log4j-", "jackson-");

    @TempDir
    static Path pluginPath;

    private static ComponentArchive archive;
    private static List<PluginDeclaration> declared;
    private static EmbeddedConnectCluster connect;
    private static HttpClient http;

    @BeforeAll
    static void unpackAndStartWorker() throws IOException {
        archive = ComponentArchive.unpack(BuildProperties.componentZip(), pluginPath,
                BuildProperties.componentBaseName());
        declared = PluginDeclaration.readAll(archive.libJars());

        Map<String, String> workerProps = new HashMap<>();
        workerProps.put("plugin.path", pluginPath.toString());
        workerProps.put("plugin.discovery", "service_load");
        connect = new EmbeddedConnectCluster.Builder()
                .name("plugin-archive-it")
                .numWorkers(1)
                .numBrokers(1)
                .workerProps(workerProps)
                .build();
        connect.start();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stopWorker() {
        if (connect != null) {
            connect.stop();
        }
    }

    @Test
    void zipHoldsOneTopLevelFolderNamedAfterOwnerNameAndVersion() throws IOException {
        assertThat(ComponentArchive.topLevelNames(BuildProperties.componentZip()))
                .containsExactly(BuildProperties.componentBaseName());
        assertThat(BuildProperties.componentZip().getFileName().toString())
                .isEqualTo(BuildProperties.componentBaseName() + ".zip");
    }

    @Test
    void bundleDeclaresAtLeastOneSourceConnector() {
        assertThat(declared)
                .as("plugins declared under META-INF/services in lib/")
                .anyMatch(plugin -> PluginType.ofService(plugin.serviceInterface()).orElse(null) == PluginType.SOURCE);
    }

    @Test
    void workerListsEveryDeclaredPluginWithItsType() throws Exception {
        Set<String> listed = new TreeSet<>();
        for (JsonNode plugin : get("connector-plugins?connectorsOnly=false")) {
            listed.add(plugin.get("type").asText() + " " + plugin.get("class").asText());
        }

        Set<String> expected = new TreeSet<>();
        for (PluginDeclaration plugin : declared) {
            PluginType type = PluginType.ofService(plugin.serviceInterface())
                    .orElseThrow(() -> new AssertionError(plugin.serviceInterface() + " (" + plugin.className()
                            + ") is a Connect service GET /connector-plugins does not list: check it another way"));
            expected.add(type.restType() + " " + plugin.className());
        }
        assertThat(expected).isNotEmpty();
        assertThat(listed).as("type and class of the plugins the worker lists").containsAll(expected);
    }

    @Test
    void workerDescribesTheConfigOfEveryDeclaredPlugin() throws Exception {
        // Loads each plugin through the worker's plugin class loader and calls config(): a class the bundle
        // lacks shows up here as a server error rather than in a user's first connector.
        for (PluginDeclaration plugin : declared) {
            JsonNode config = get("connector-plugins/" + URLEncoder.encode(plugin.className(), StandardCharsets.UTF_8)
                    + "/config");
            assertThat(config.isArray()).as("config of %s", plugin.className()).isTrue();
        }
    }

    @Test
    void connectorsReportTheBundleVersion() throws Exception {
        Set<String> connectors = declared.stream()
                .filter(plugin -> PluginType.ofService(plugin.serviceInterface())
                        .filter(type -> type == PluginType.SOURCE || type == PluginType.SINK).isPresent())
                .map(PluginDeclaration::className)
                .collect(Collectors.toSet());
        for (JsonNode plugin : get("connector-plugins")) {
            if (connectors.contains(plugin.get("class").asText())) {
                assertThat(plugin.get("version").asText()).as(plugin.get("class").asText())
                        .isEqualTo(BuildProperties.componentVersion());
            }
        }
    }

    @Test
    void declaredPluginsAreNotOnTheTestClasspath() {
        assertThat(declared).isNotEmpty();
        for (PluginDeclaration plugin : declared) {
            assertThatThrownBy(() -> Class.forName(plugin.className(), false, getClass().getClassLoader()))
                    .as("%s must come from the unpacked zip only", plugin.className())
                    .isInstanceOf(ClassNotFoundException.class);
        }
    }

    @Test
    void manifestCarriesEveryRequiredField() throws IOException {
        String text = Files.readString(archive.manifest());
        assertThat(text).as("unfiltered placeholders").doesNotContain("${");
        JsonNode manifest = JSON.readTree(text);

        assertThat(manifest.path("name").asText()).isEqualTo(BuildProperties.componentName());
        assertThat(manifest.path("version").asText()).isEqualTo(BuildProperties.componentVersion());
        assertThat(manifest.path("owner").path("username").asText()).isEqualTo(BuildProperties.componentOwner());
        for (String field : List.of("title", "description", "documentation_url")) {
            assertThat(manifest.path(field).asText()).as(field).isNotBlank();
        }
        assertThat(manifest.path("owner").path("name").asText()).as("owner.name").isNotBlank();
        assertThat(texts(manifest.path("component_types")))
                .containsExactlyInAnyOrder("source", "transform", "converter");
        assertThat(texts(manifest.path("tags"))).isNotEmpty();
        assertThat(texts(manifest.path("requirements"))).isNotEmpty();

        JsonNode features = manifest.path("features");
        assertThat(texts(features.path("supported_encodings"))).containsExactlyInAnyOrder("avro", "json");
        assertThat(features.path("single_message_transforms").isBoolean()).isTrue();
        assertThat(features.path("single_message_transforms").asBoolean()).isTrue();
        assertThat(features.path("confluent_control_center_integration").isBoolean()).isTrue();
        assertThat(features.path("confluent_control_center_integration").asBoolean()).isFalse();
        assertThat(features.path("kafka_connect_api").asBoolean()).isTrue();
        assertThat(texts(features.path("delivery_guarantee"))).containsExactly("exactly_once");

        JsonNode license = manifest.path("license");
        assertThat(license.isArray()).isTrue();
        assertThat(license.path(0).path("name").asText()).isEqualTo("Apache License 2.0");
        assertThat(license.path(0).path("url").asText()).startsWith("https://");

        LocalDate released = LocalDate.parse(manifest.path("release_date").asText());
        assertThat(released).isBeforeOrEqualTo(LocalDate.now(ZoneOffset.UTC));
    }

    @Test
    void manifestAnnouncesEveryDeclaredKindOfPlugin() throws IOException {
        List<String> componentTypes = texts(JSON.readTree(archive.manifest().toFile()).path("component_types"));
        for (PluginDeclaration plugin : declared) {
            PluginType.ofService(plugin.serviceInterface()).ifPresent(type ->
                    assertThat(componentTypes).as("component_types for %s", plugin.className())
                            .contains(type.componentType()));
        }
    }

    @Test
    void libHoldsThePluginJarsAndNothingTheWorkerShips() {
        List<String> jars = archive.libJars().stream().map(jar -> jar.getFileName().toString()).toList();
        String version = BuildProperties.componentVersion();
        assertThat(jars).contains("connect-source-simulator-" + version + ".jar",
                "connect-smt-window-transforms-" + version + ".jar", "segmentation-events-" + version + ".jar");
        assertThat(jars).as("the Streams application runs on its own, not on the worker")
                .noneMatch(jar -> jar.startsWith("connect-smt-window-streams"));
        assertThat(ComponentArchive.regularFiles(archive.lib())).as("only jars in lib/")
                .hasSameSizeAs(archive.libJars());
        for (String jar : jars) {
            assertThat(FORBIDDEN_JAR_PREFIXES).as("lib/%s", jar).noneMatch(jar::startsWith);
        }
    }

    @Test
    void etcHoldsEveryConnectorConfigUnchanged() throws IOException {
        List<Path> configs = ComponentArchive.regularFiles(BuildProperties.connectorConfigs());
        assertThat(configs).isNotEmpty();
        assertThat(names(ComponentArchive.regularFiles(archive.etc()))).isEqualTo(names(configs));
        for (Path config : configs) {
            // Byte for byte: Maven filtering would have eaten the ${env:...} references.
            assertThat(Files.mismatch(config, archive.etc().resolve(config.getFileName())))
                    .as("etc/%s differs from connector-configs/", config.getFileName()).isEqualTo(-1L);
        }
    }

    @Test
    void docHoldsTheReadmeAndTheApacheLicense() throws IOException {
        assertThat(archive.doc().resolve("README.md")).isNotEmptyFile();
        // Every page the README links to is there beside it.
        java.util.regex.Matcher links = java.util.regex.Pattern.compile("\\]\\((docs/[a-z-]+\\.md)")
                .matcher(Files.readString(archive.doc().resolve("README.md")));
        int linked = 0;
        while (links.find()) {
            assertThat(archive.doc().resolve(links.group(1))).as("doc/%s", links.group(1)).isNotEmptyFile();
            linked++;
        }
        assertThat(linked).as("links from the README to docs/").isPositive();
        assertThat(Files.readString(archive.doc().resolve("LICENSE")))
                .contains("Apache License").contains("Version 2.0, January 2004");
    }

    @Test
    void assetsHoldALogo() {
        assertThat(names(ComponentArchive.regularFiles(archive.assets()))).anyMatch(name -> name.endsWith(".svg"));
    }

    private static JsonNode get(String resource) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(connect.endpointForResource(resource)))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", resource, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static List<String> texts(JsonNode array) {
        assertThat(array.isArray()).as("%s is an array", array).isTrue();
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    private static List<String> names(List<Path> files) {
        return files.stream().map(file -> file.getFileName().toString()).sorted().toList();
    }
}
