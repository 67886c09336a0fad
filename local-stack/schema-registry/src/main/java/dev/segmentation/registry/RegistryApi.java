package dev.segmentation.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * The Confluent Schema Registry REST API over a {@link SchemaStore}: the calls Confluent's serializers and
 * converters make, plus subject, version, compatibility and config management. Unknown query parameters are
 * ignored, as newer clients add some.
 */
final class RegistryApi implements HttpHandler {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SEGMENT = "([^/]+)";

    private final SchemaStore store;
    private final List<Route> routes = List.of(
            new Route("GET", "/?", (m, body) -> JSON.createObjectNode()),
            new Route("GET", "/schemas/types/?", (m, body) -> JSON.createArrayNode().add("AVRO")),
            new Route("GET", "/mode/?", (m, body) -> JSON.createObjectNode().put("mode", "READWRITE")),
            new Route("GET", "/subjects/?", (m, body) -> array(store().subjects())),
            new Route("GET", "/subjects/" + SEGMENT + "/versions/?", (m, body) -> array(store().versions(m.group(1)))),
            new Route("GET", "/subjects/" + SEGMENT + "/versions/" + SEGMENT + "/?", (m, body) ->
                    versionJson(store().version(m.group(1), m.group(2)))),
            new Route("GET", "/subjects/" + SEGMENT + "/versions/" + SEGMENT + "/schema/?", (m, body) ->
                    JSON.readTree(store().version(m.group(1), m.group(2)).schema())),
            new Route("POST", "/subjects/" + SEGMENT + "/versions/?", (m, body) ->
                    JSON.createObjectNode().put("id", store().register(m.group(1), schemaOf(body)))),
            new Route("POST", "/subjects/" + SEGMENT + "/?", (m, body) -> versionJson(store().lookup(m.group(1), schemaOf(body))
                    .orElseThrow(() -> new RegistryException(RegistryException.SCHEMA_NOT_FOUND, "Schema not found")))),
            new Route("DELETE", "/subjects/" + SEGMENT + "/?", (m, body) -> array(store().delete(m.group(1), null))),
            new Route("DELETE", "/subjects/" + SEGMENT + "/versions/" + SEGMENT + "/?", (m, body) ->
                    JSON.getNodeFactory().numberNode(store().delete(m.group(1), m.group(2)).get(0))),
            new Route("GET", "/schemas/ids/" + SEGMENT + "/?", (m, body) ->
                    JSON.createObjectNode().put("schema", store().schemaById(id(m.group(1))))),
            new Route("GET", "/schemas/ids/" + SEGMENT + "/versions/?", (m, body) -> {
                ArrayNode versions = JSON.createArrayNode();
                store().versionsOfId(id(m.group(1))).forEach(v -> versions.addObject()
                        .put("subject", v.subject()).put("version", v.version()));
                return versions;
            }),
            new Route("POST", "/compatibility/subjects/" + SEGMENT + "/versions/" + SEGMENT + "/?", (m, body) ->
                    compatibility(store().compatibilityViolations(m.group(1), schemaOf(body), Optional.of(m.group(2))))),
            new Route("POST", "/compatibility/subjects/" + SEGMENT + "/versions/?", (m, body) ->
                    compatibility(store().compatibilityViolations(m.group(1), schemaOf(body), Optional.empty()))),
            new Route("GET", "/config/?", (m, body) -> level(store().globalLevel())),
            new Route("PUT", "/config/?", (m, body) -> {
                CompatibilityLevel level = CompatibilityLevel.parse(body.path("compatibility").asText(null));
                store().setLevel(null, level);
                return JSON.createObjectNode().put("compatibility", level.name());
            }),
            new Route("GET", "/config/" + SEGMENT + "/?", (m, body) -> level(store().subjectLevel(m.group(1))
                    .or(() -> m.flag("defaultToGlobal") ? Optional.of(store().globalLevel()) : Optional.empty())
                    .orElseThrow(() -> new RegistryException(RegistryException.SUBJECT_LEVEL_NOT_FOUND,
                            "Subject '" + m.group(1) + "' does not have subject-level compatibility configured")))),
            new Route("PUT", "/config/" + SEGMENT + "/?", (m, body) -> {
                CompatibilityLevel level = CompatibilityLevel.parse(body.path("compatibility").asText(null));
                store().setLevel(m.group(1), level);
                return JSON.createObjectNode().put("compatibility", level.name());
            }),
            new Route("DELETE", "/config/" + SEGMENT + "/?", (m, body) -> {
                CompatibilityLevel previous = store().effectiveLevel(m.group(1));
                store().deleteLevel(m.group(1));
                return level(previous);
            }));

    RegistryApi(SchemaStore store) {
        this.store = store;
    }

    private SchemaStore store() {
        return store;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            try {
                Route route = routes.stream().filter(r -> r.matches(exchange.getRequestMethod(), path)).findFirst()
                        .orElseThrow(() -> new RegistryException(40400, "No such resource: "
                                + exchange.getRequestMethod() + " " + path));
                Matcher matcher = route.pattern.matcher(path);
                matcher.matches();
                JsonNode body = readBody(exchange.getRequestBody());
                JsonNode answer = route.action.apply(new DecodedMatch(matcher, query), body);
                send(exchange, 200, answer);
            } catch (RegistryException e) {
                send(exchange, e.httpStatus(), error(e.errorCode(), e.getMessage()));
            } catch (JsonProcessingException e) {
                send(exchange, 400, error(400, "Request body is not valid JSON: " + e.getOriginalMessage()));
            } catch (RuntimeException e) {
                send(exchange, 500, error(50001, "Internal error: " + e));
            }
        }
    }

    private static JsonNode readBody(InputStream in) throws IOException {
        byte[] bytes = in.readAllBytes();
        return bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String schemaOf(JsonNode body) {
        String type = body.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new RegistryException(RegistryException.INVALID_SCHEMA, "Schema type " + type
                    + " is not supported by this registry; only AVRO is");
        }
        if (body.path("references").size() > 0) {
            throw new RegistryException(RegistryException.INVALID_SCHEMA, "Schema references are not supported");
        }
        JsonNode schema = body.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw new RegistryException(RegistryException.INVALID_SCHEMA,
                    "The request must hold the schema as a JSON string in the field \"schema\"");
        }
        return schema.asText();
    }

    private static int id(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new RegistryException(RegistryException.SCHEMA_NOT_FOUND, "Schema " + text + " not found");
        }
    }

    private static ObjectNode versionJson(SchemaStore.SubjectVersion version) {
        return JSON.createObjectNode().put("subject", version.subject()).put("version", version.version())
                .put("id", version.id()).put("schema", version.schema());
    }

    private static ObjectNode level(CompatibilityLevel level) {
        return JSON.createObjectNode().put("compatibilityLevel", level.name());
    }

    private static ObjectNode compatibility(List<String> violations) {
        ObjectNode result = JSON.createObjectNode().put("is_compatible", violations.isEmpty());
        if (!violations.isEmpty()) {
            ArrayNode messages = result.putArray("messages");
            violations.forEach(messages::add);
        }
        return result;
    }

    private static ArrayNode array(List<?> values) {
        ArrayNode array = JSON.createArrayNode();
        values.forEach(value -> array.addPOJO(value));
        return array;
    }

    private static ObjectNode error(int code, String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message);
    }

    /** Path groups, URL-decoded (subjects may contain encoded characters), and the raw query. */
    record DecodedMatch(Matcher matcher, String query) {
        String group(int index) {
            return URLDecoder.decode(matcher.group(index), StandardCharsets.UTF_8);
        }

        boolean flag(String name) {
            return query != null && List.of(query.split("&")).contains(name + "=true");
        }
    }

    @FunctionalInterface
    interface Action {
        JsonNode apply(DecodedMatch match, JsonNode body) throws JsonProcessingException;
    }

    private record Route(String method, Pattern pattern, Action action) {
        Route(String method, String regex, Action action) {
            this(method, Pattern.compile(regex), action);
        }

        boolean matches(String requestMethod, String path) {
            return method.equals(requestMethod) && pattern.matcher(path).matches();
        }
    }
}
