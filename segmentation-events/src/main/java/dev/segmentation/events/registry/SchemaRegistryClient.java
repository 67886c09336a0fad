package dev.segmentation.events.registry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The calls of the Confluent Schema Registry REST API that reading and writing the wire format need: register a
 * schema under a subject, look it up there, fetch a schema by its id, and the latest one of a subject. Confluent's registry and Confluent
 * Cloud, Apicurio's {@code ccompat} API, Karapace, Redpanda and this project's local registry all answer them.
 *
 * <p>Each URL is tried in turn; a round in which none answers, or each answers with a server error or 429, is
 * retried after a growing pause, and when the rounds run out the failure is a {@link RegistryUnavailableException}.
 * Answers are cached (ids and schemas never change once assigned), in bounded caches. One client serves any number
 * of threads.
 */
public final class SchemaRegistryClient {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final int ROUNDS = 3;
    private static final Duration FIRST_PAUSE = Duration.ofMillis(200);
    private static final int CACHE_ENTRIES = 1_000;

    private final List<URI> baseUris;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final BoundedCache<String, Integer> registeredIds = new BoundedCache<>(CACHE_ENTRIES);
    private final BoundedCache<String, Integer> foundIds = new BoundedCache<>(CACHE_ENTRIES);
    private final BoundedCache<Integer, String> schemasById = new BoundedCache<>(CACHE_ENTRIES);

    public SchemaRegistryClient(RegistrySettings settings) {
        this.baseUris = settings.urls().stream().map(url -> URI.create(url.endsWith("/") ? url : url + "/")).toList();
        this.authorization = settings.authorization();
    }

    /** Registers the schema under the subject (or finds it there, already registered) and returns its global id. */
    public int register(String subject, String schemaJson) {
        return registeredIds.get(subject + '\n' + schemaJson, ignored -> {
            int id = idFrom(post("subjects/" + subject + "/versions", schemaJson, "register a schema under subject "
                    + subject));
            schemasById.put(id, schemaJson);
            return id;
        });
    }

    /**
     * The global id of the schema under the subject, which must already hold it.
     *
     * @throws SchemaNotFoundException when it does not
     */
    public int lookUp(String subject, String schemaJson) {
        return foundIds.get(subject + '\n' + schemaJson, ignored -> idFrom(post("subjects/" + subject, schemaJson,
                "look up a schema under subject " + subject)));
    }

    /**
     * The schema with the global id, as JSON.
     *
     * @throws SchemaNotFoundException when the registry has none
     */
    public String schemaById(int id) {
        return schemasById.get(id, ignored -> send(HttpRequest.newBuilder().GET(), "schemas/ids/" + id,
                "fetch the schema with id " + id).path("schema").asText());
    }

    /**
     * The latest schema registered under the subject, as JSON. Not cached: a subject gains versions.
     *
     * @throws SchemaNotFoundException when the subject does not exist
     */
    public String latestSchema(String subject) {
        return latest(subject).path("schema").asText();
    }

    /**
     * The global id of the latest schema registered under the subject. Not cached, like {@link #latestSchema}; the
     * schema itself is, so that {@link #schemaById} answers it without a call.
     *
     * @throws SchemaNotFoundException when the subject does not exist
     */
    public int latestId(String subject) {
        JsonNode latest = latest(subject);
        int id = idFrom(latest);
        schemasById.put(id, latest.path("schema").asText());
        return id;
    }

    private JsonNode latest(String subject) {
        return send(HttpRequest.newBuilder().GET(), "subjects/" + subject + "/versions/latest",
                "fetch the latest schema of subject " + subject);
    }

    private JsonNode post(String path, String schemaJson, String purpose) {
        String body = JSON.createObjectNode().put("schema", schemaJson).toString();
        return send(HttpRequest.newBuilder().header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body)), path, purpose);
    }

    private static int idFrom(JsonNode answer) {
        JsonNode id = answer.get("id");
        if (id == null || !id.canConvertToInt()) {
            throw new SchemaRegistryException("The schema registry's answer has no id: " + answer);
        }
        return id.asInt();
    }

    private JsonNode send(HttpRequest.Builder request, String path, String purpose) {
        request.timeout(REQUEST_TIMEOUT).header("Accept", CONTENT_TYPE);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        String lastFailure = "";
        Exception lastCause = null;
        for (int round = 0; round < ROUNDS; round++) {
            if (round > 0) {
                pause(FIRST_PAUSE.multipliedBy(1L << (round - 1)));
            }
            for (URI base : baseUris) {
                HttpResponse<String> response;
                try {
                    response = http.send(request.uri(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
                } catch (IOException e) {
                    lastFailure = base + " cannot be reached: " + e;
                    lastCause = e;
                    continue;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RegistryUnavailableException("Interrupted while trying to " + purpose, e);
                }
                int status = response.statusCode();
                if (status / 100 == 5 || status == 429) {
                    lastFailure = base + " answered " + status + ": " + response.body();
                    lastCause = null;
                    continue;
                }
                return answer(status, response.body(), base.resolve(path), purpose);
            }
        }
        throw new RegistryUnavailableException("No schema registry answered when trying to " + purpose + " ("
                + ROUNDS + " rounds over " + baseUris + "); last: " + lastFailure, lastCause);
    }

    private static JsonNode answer(int status, String body, URI uri, String purpose) {
        if (status == 404) {
            throw new SchemaNotFoundException("Cannot " + purpose + ": the schema registry at " + uri
                    + " answered 404 " + body);
        }
        if (status == 401 || status == 403) {
            throw new SchemaRegistryException("Cannot " + purpose + ": the schema registry at " + uri + " answered "
                    + status + ". Check its credentials (basic.auth.user.info or bearer.auth.token).");
        }
        if (status == 409) {
            throw new SchemaRegistryException("Cannot " + purpose + ": the schema registry refused the schema as "
                    + "incompatible with the subject's earlier versions: " + body);
        }
        if (status / 100 != 2) {
            throw new SchemaRegistryException("Cannot " + purpose + ": the schema registry at " + uri + " answered "
                    + status + " " + body);
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new SchemaRegistryException("Cannot " + purpose + ": the schema registry at " + uri
                    + " answered with something other than JSON: " + body, e);
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("Interrupted while waiting to retry the schema registry", e);
        }
    }
}
