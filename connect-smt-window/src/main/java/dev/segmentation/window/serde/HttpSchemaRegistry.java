package dev.segmentation.window.serde;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A client of the Confluent Schema Registry REST API, which Confluent's registry, Apicurio's {@code ccompat}
 * API, Karapace and this project's local registry all speak. Ids and schemas never change once assigned, so
 * both directions are cached for the life of the client.
 */
public final class HttpSchemaRegistry implements SchemaRegistry {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI baseUri;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<String, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    /** @param baseUrl the registry's URL, e.g. {@code http://127.0.0.1:8081} */
    public HttpSchemaRegistry(String baseUrl) {
        this.baseUri = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
    }

    @Override
    public int register(String subject, Schema schema) {
        return idsBySubjectAndSchema.computeIfAbsent(subject + "\n" + schema, ignored -> {
            String body = JSON.createObjectNode().put("schema", schema.toString()).toString();
            JsonNode response = send(HttpRequest.newBuilder(baseUri.resolve("subjects/" + subject + "/versions"))
                    .header("Content-Type", CONTENT_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
            if (response == null) {
                throw new SerializationException("The schema registry at " + baseUri + " answered 404 to registering "
                        + "subject " + subject);
            }
            int id = response.path("id").asInt();
            schemasById.putIfAbsent(id, schema);
            return id;
        });
    }

    @Override
    public Schema schemaById(int id) {
        return schemasById.computeIfAbsent(id, ignored -> {
            JsonNode response = send(HttpRequest.newBuilder(baseUri.resolve("schemas/ids/" + id)).GET());
            if (response == null) {
                throw new SchemaNotFoundException("The schema registry at " + baseUri + " has no schema with id " + id);
            }
            return new Schema.Parser().parse(response.path("schema").asText());
        });
    }

    /** The response body, or null when the registry answers 404: the subject or id does not exist. */
    private JsonNode send(HttpRequest.Builder request) {
        HttpRequest built = request.timeout(Duration.ofSeconds(30)).header("Accept", CONTENT_TYPE).build();
        try {
            HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 404) {
                return null;
            }
            if (response.statusCode() / 100 != 2) {
                throw new SerializationException("Schema registry answered " + response.statusCode() + " to "
                        + built.method() + " " + built.uri() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new SerializationException("Cannot reach the schema registry at " + baseUri + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SerializationException("Interrupted while calling the schema registry at " + baseUri, e);
        }
    }
}
