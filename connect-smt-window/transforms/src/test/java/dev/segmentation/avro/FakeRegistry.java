package dev.segmentation.avro;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The registry calls the converter makes, answered from memory: registering assigns ids in order, looking up
 * finds registered schemas only. It records every request, so tests can count them and read the schemas sent.
 * The real registry is exercised by the integration tests.
 */
public final class FakeRegistry implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SUBJECT = Pattern.compile("/subjects/([^/]+)(/versions)?");

    /** One request: its path and the schema it carried. */
    public record Request(String path, String schema, String authorization) {
    }

    private final HttpServer server;
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<Request> requests = new ArrayList<>();

    public FakeRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The schema registered with the given id. */
    public synchronized String schema(int id) {
        return ids.entrySet().stream().filter(entry -> entry.getValue() == id).findFirst()
                .map(entry -> entry.getKey().substring(entry.getKey().indexOf('\n') + 1))
                .orElseThrow(() -> new AssertionError("no schema with id " + id));
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String schema = JSON.readTree(exchange.getRequestBody()).path("schema").asText();
        Matcher matcher = SUBJECT.matcher(path);
        int status;
        String body;
        synchronized (this) {
            requests.add(new Request(path, schema, exchange.getRequestHeaders().getFirst("Authorization")));
            String key = matcher.matches() ? matcher.group(1) + "\n" + schema : null;
            if (key == null) {
                status = 404;
                body = "{\"error_code\":404,\"message\":\"no such resource\"}";
            } else if (matcher.group(2) != null) {
                int id = ids.computeIfAbsent(key, ignored -> ids.size() + 1);
                status = 200;
                body = "{\"id\":" + id + "}";
            } else if (ids.containsKey(key)) {
                status = 200;
                body = "{\"subject\":\"" + matcher.group(1) + "\",\"version\":1,\"id\":" + ids.get(key) + "}";
            } else {
                status = 404;
                body = "{\"error_code\":40403,\"message\":\"Schema not found\"}";
            }
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
