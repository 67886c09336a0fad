package dev.segmentation.stack.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The running local stack as a benchmark sees it: the Connect REST API, topic administration, and Kafka's own
 * performance tools run as separate processes, exactly as a user would run them.
 */
final class BenchStack implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    final String bootstrapServers;
    final String connectUrl;
    final String registryUrl;
    private final String toolsClasspath;
    /** Where the run keeps its files: each launch's settings, log and state, and its {@link Leftovers}' journal. */
    final Path workDir;
    /** What this run has created on the stack and not removed yet; removed at exit if the run stops part-way. */
    final Leftovers leftovers;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Admin admin;

    BenchStack(String bootstrapServers, String connectUrl, String registryUrl, String toolsClasspath, Path workDir)
            throws IOException {
        this.bootstrapServers = bootstrapServers;
        this.connectUrl = connectUrl;
        this.registryUrl = registryUrl;
        this.toolsClasspath = toolsClasspath;
        this.workDir = workDir;
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.admin = Admin.create(props);
        this.leftovers = new Leftovers(workDir, this::remove);
        leftovers.removeAllOnExit();
    }

    /**
     * Reads {@code --name value} pairs; the launcher passes the stack's addresses this way, and {@code --work-dir}
     * (by default one under the system's temporary directory). Then removes what earlier runs killed outright left
     * on the stack ({@link Leftovers#removeOrphans}).
     */
    static BenchStack fromArgs(Map<String, String> args) throws IOException {
        Path workDir = args.containsKey("work-dir") ? Path.of(args.get("work-dir")) : LaunchFiles.defaultDirectory();
        BenchStack stack = new BenchStack(required(args, "bootstrap"), required(args, "connect"),
                required(args, "registry"), required(args, "tools-classpath"), workDir);
        Leftovers.removeOrphans(workDir, stack::remove);
        return stack;
    }

    static Map<String, String> parseArgs(String[] args) {
        Map<String, String> parsed = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            parsed.put(args[i].substring(2), args[i + 1]);
        }
        return parsed;
    }

    private static String required(Map<String, String> args, String name) {
        String value = args.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return value;
    }

    void createTopics(Collection<String> topics, int partitions) throws InterruptedException, ExecutionException {
        List<NewTopic> newTopics = new ArrayList<>();
        topics.forEach(topic -> newTopics.add(new NewTopic(topic, partitions, (short) 1)
                .configs(Map.of("message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE),
                        // Backfilled event times lie in the past; time-based retention would delete them at once.
                        "retention.ms", "-1"))));
        admin.createTopics(newTopics).all().get();
        // The controller acknowledges a topic before the broker's metadata holds it: wait until the broker describes
        // it (reading its offsets sooner fails, and the admin client logs each failure as an error).
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                admin.describeTopics(topics).allTopicNames().get();
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** The end offset of every partition of the given topics, open transactions included. */
    Map<TopicPartition, Long> endOffsets(Collection<String> topics, int partitions)
            throws InterruptedException, ExecutionException {
        return endOffsets(topics, partitions, IsolationLevel.READ_UNCOMMITTED);
    }

    /** The end offset of every partition of the given topics, as a consumer with that isolation level sees it. */
    Map<TopicPartition, Long> endOffsets(Collection<String> topics, int partitions, IsolationLevel isolation)
            throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (String topic : topics) {
            for (int p = 0; p < partitions; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(request, new ListOffsetsOptions(isolation)).all().get()
                .forEach((partition, info) -> ends.put(partition, info.offset()));
        return ends;
    }

    /** The offsets a consumer group has committed. */
    Map<TopicPartition, Long> committedOffsets(String group) throws InterruptedException, ExecutionException {
        Map<TopicPartition, Long> committed = new HashMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                .forEach((partition, offset) -> committed.put(partition, offset == null ? 0 : offset.offset()));
        return committed;
    }

    /** Bytes every topic takes on the brokers' disks, over all its partitions and replicas. */
    Map<String, Long> topicSizes() throws InterruptedException, ExecutionException {
        List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(node -> node.id()).toList();
        Map<String, Long> sizes = new HashMap<>();
        for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
            for (LogDirDescription dir : dirs.values()) {
                dir.replicaInfos().forEach((partition, replica) ->
                        sizes.merge(partition.topic(), replica.size(), Long::sum));
            }
        }
        return sizes;
    }

    void deleteTopics(Collection<String> topics) throws InterruptedException, ExecutionException {
        admin.deleteTopics(topics).all().get();
    }

    /**
     * Deletes consumer groups. A group that cannot be deleted (a member that never left it) is named on the output
     * and kept: the broker drops it once its offsets expire, and the run's figures stand either way.
     */
    void deleteGroups(Collection<String> groups) throws InterruptedException {
        for (Map.Entry<String, KafkaFuture<Void>> deletion
                : admin.deleteConsumerGroups(groups).deletedGroups().entrySet()) {
            try {
                deletion.getValue().get();
            } catch (ExecutionException e) {
                System.out.printf("  (consumer group %s kept: %s)%n", deletion.getKey(), e.getCause().getMessage());
            }
        }
    }

    /** Takes one step of removing what a run created; what is gone already is skipped. */
    void remove(Removal removal) throws Exception {
        switch (removal.kind()) {
            case CONNECTOR -> deleteConnector(removal.names().get(0));
            case PROCESS -> removal.stopProcess();
            case TOPICS -> {
                List<String> existing = admin.listTopics().names().get().stream()
                        .filter(removal.names()::contains).toList();
                deleteTopics(existing);
            }
            case TOPICS_STARTING_WITH -> deleteTopics(topicsStartingWith(removal.names().toArray(String[]::new)));
            case GROUPS -> deleteGroups(removal.names());
            case PATH -> {
                Path path = Path.of(removal.names().get(0));
                if (Files.exists(path)) {
                    LaunchFiles.delete(path);
                }
            }
        }
    }

    /** Deletes a connector, unless Connect no longer has it. */
    void deleteConnector(String name) throws IOException, InterruptedException {
        HttpResponse<String> response = send("DELETE", "/connectors/" + name, null);
        if (response.statusCode() >= 300 && response.statusCode() != 404) {
            throw new IOException("DELETE /connectors/" + name + " answered " + response.statusCode() + ": "
                    + response.body());
        }
    }

    /** The topics whose names start with any of {@code prefixes}. */
    List<String> topicsStartingWith(String... prefixes) throws InterruptedException, ExecutionException {
        return admin.listTopics().names().get().stream()
                .filter(name -> Arrays.stream(prefixes).anyMatch(name::startsWith)).sorted().toList();
    }

    JsonNode connect(String method, String path, Object body) throws IOException, InterruptedException {
        HttpResponse<String> response = send(method, path, body);
        if (response.statusCode() >= 300) {
            throw new IOException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
    }

    private HttpResponse<String> send(String method, String path, Object body)
            throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
        return http.send(HttpRequest.newBuilder(URI.create(connectUrl + path))
                .method(method, publisher).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Runs one of Kafka's tools (e.g. {@code org.apache.kafka.tools.ProducerPerformance}) and returns its output. */
    List<String> runTool(String mainClass, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx512m", "-cp", toolsClasspath, mainClass));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new String(process.getInputStream().readAllBytes()).lines().toList();
        if (process.waitFor() != 0) {
            throw new IOException(mainClass + " failed:\n" + String.join("\n", lines));
        }
        return lines;
    }

    /** The java launcher of the JVM running the benchmark, for the processes it starts. */
    static String javaBinary() {
        return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Override
    public void close() {
        admin.close();
    }
}
