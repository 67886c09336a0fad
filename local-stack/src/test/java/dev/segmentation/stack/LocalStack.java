package dev.segmentation.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A local stack of its own for one test class, run by {@code ./pipeline} in a temporary home on free ports:
 * Kafka, PostgreSQL, the registry, a Connect worker and the Streams app, from the jars Maven has just built.
 */
final class LocalStack {

    private static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path home;
    private final JsonNode ports;
    private final HttpClient http = HttpClient.newHttpClient();
    private String startOutput = "";

    private LocalStack(Path home, JsonNode ports) {
        this.home = home;
        this.ports = ports;
    }

    /**
     * Runs {@code ./pipeline up} in a new temporary home and returns once every part it starts is ready.
     *
     * @param environment variables for the launcher, such as {@code PIPELINE_WITHOUT_STREAMS}
     */
    static LocalStack up(String name, Map<String, String> environment) throws IOException, InterruptedException {
        return start(name, environment, "up");
    }

    /**
     * Runs a command that starts the stack, such as {@code up} or {@code demo --timeout 240}, in a new temporary
     * home, and returns once it has succeeded; its output is then in {@link #startOutput()}. If it fails, what it
     * started is stopped and the home kept.
     */
    static LocalStack start(String name, Map<String, String> environment, String... command)
            throws IOException, InterruptedException {
        Path home = Files.createTempDirectory(name);
        String output;
        try {
            output = run(home, environment, command);
        } catch (IllegalStateException e) {
            // No test gets the stack to stop, and what did start would keep running beside every later test. The
            // home and its logs stay for a look.
            down(home, false);
            throw e;
        }
        LocalStack stack = new LocalStack(home, JSON.readTree(home.resolve("ports.json").toFile()));
        stack.startOutput = output;
        return stack;
    }

    /** Runs {@code ./pipeline up} again, which starts the parts that are not running, on the same ports. */
    void upAgain(Map<String, String> environment) throws IOException, InterruptedException {
        run(home, environment, "up");
    }

    private static String run(Path home, Map<String, String> environment, String... command)
            throws IOException, InterruptedException {
        Process process = pipeline(home, environment, command);
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("./pipeline " + String.join(" ", command) + " failed in " + home + ":\n"
                    + output);
        }
        return output;
    }

    /** The repository's root, where {@code ./pipeline} and the connector configs live. */
    static Path repository() {
        return REPO;
    }

    Path home() {
        return home;
    }

    /** What the command that started the stack printed. */
    String startOutput() {
        return startOutput;
    }

    /** The port the launcher chose for a component: kafka, registry, connect or postgres. */
    int port(String component) {
        return ports.get(component).asInt();
    }

    Path log(String part) {
        return home.resolve("logs").resolve(part + ".log");
    }

    String bootstrapServers() {
        return "127.0.0.1:" + ports.get("kafka").asInt();
    }

    String registryUrl() {
        return "http://127.0.0.1:" + ports.get("registry").asInt();
    }

    /**
     * Sends a request to the Connect REST API.
     *
     * @return the response's JSON, or null when it has no body
     * @throws IllegalStateException when the worker answers with an error
     */
    JsonNode connect(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get("connect").asInt() + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response.body().isBlank() ? null : JSON.readTree(response.body());
    }

    /** Runs {@code ./pipeline down}, or {@code down --purge}, in a home; whether it finished within 3 minutes. */
    private static boolean down(Path home, boolean purge) throws IOException, InterruptedException {
        Process down = purge ? pipeline(home, Map.of(), "down", "--purge") : pipeline(home, Map.of(), "down");
        down.getInputStream().transferTo(System.out);
        return down.waitFor(3, TimeUnit.MINUTES);
    }

    /**
     * Runs {@code ./pipeline down} and returns the processes of the stack that are still running afterwards,
     * which should be none.
     */
    List<Long> downAndListSurvivors(boolean purge) throws IOException, InterruptedException {
        List<Long> pids = new ArrayList<>();
        Path run = home.resolve("run");
        if (Files.isDirectory(run)) {
            try (var pidFiles = Files.list(run)) {
                for (Path file : pidFiles.toList()) {
                    pids.add(Long.parseLong(Files.readString(file).trim()));
                }
            }
        }
        Path postmaster = home.resolve("postgres/data/postmaster.pid");
        if (Files.exists(postmaster)) {
            pids.add(Long.parseLong(Files.readAllLines(postmaster).get(0).trim()));
        }
        if (!down(home, purge)) {
            throw new IllegalStateException("./pipeline down did not finish within 3 minutes");
        }
        List<Long> survivors = new ArrayList<>();
        for (long pid : pids) {
            if (running(pid)) {
                survivors.add(pid);
            }
        }
        return survivors;
    }

    /** Alive and not a zombie: an exited child that nobody has reaped yet holds no resources. */
    private static boolean running(long pid) throws IOException {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) || !Files.exists(stat)) {
            return false;
        }
        String content = Files.readString(stat);
        return content.charAt(content.lastIndexOf(')') + 2) != 'Z';
    }

    private static Process pipeline(Path home, Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(REPO.resolve("pipeline").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("PIPELINE_HOME", home.toString());
        env.put("PIPELINE_PORTS", "auto");
        env.put("PIPELINE_SKIP_BUILD", "1"); // Maven has just built everything
        env.putAll(environment);
        return builder.start();
    }
}
