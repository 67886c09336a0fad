package dev.segmentation.simulator.avro;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;

/**
 * The two calls of the Confluent Schema Registry REST API that writing needs: register a schema under a subject,
 * or look it up there. Confluent's registry, Apicurio's {@code ccompat} API, Karapace and this project's local
 * registry all answer them. Each URL is tried in turn until one answers.
 */
final class RegistryClient {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final List<URI> baseUris;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** @param userInfo {@code user:password} for HTTP basic authentication, or null for none */
    RegistryClient(List<String> urls, String userInfo) {
        this.baseUris = urls.stream().map(url -> URI.create(url.endsWith("/") ? url : url + "/")).toList();
        this.authorization = userInfo == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The global id of the schema under the subject: registered there if {@code register}, otherwise looked up,
     * in which case the subject must already hold it.
     */
    int idOf(String subject, String schemaJson, boolean register) {
        String path = "subjects/" + subject + (register ? "/versions" : "");
        String body = "{\"schema\":" + AvroSchemaJson.quote(schemaJson) + "}";
        HttpResponse<String> response = post(path, body);
        int status = response.statusCode();
        if (status == 404 && !register) {
            throw new DataException("Subject " + subject + " does not hold the schema " + schemaJson + ". Register it "
                    + "first, or set auto.register.schemas=true.");
        }
        if (status == 409) {
            throw new DataException("The registry refused the schema of subject " + subject + " as incompatible with "
                    + "its earlier versions: " + response.body());
        }
        if (status / 100 != 2) {
            throw new DataException("The registry answered " + status + " to POST " + path + ": " + response.body());
        }
        Matcher id = ID.matcher(response.body());
        if (!id.find()) {
            throw new DataException("The registry's answer to POST " + path + " has no id: " + response.body());
        }
        return Integer.parseInt(id.group(1));
    }

    private HttpResponse<String> post(String path, String body) {
        IOException lastFailure = null;
        for (URI base : baseUris) {
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                    .header("Content-Type", CONTENT_TYPE).header("Accept", CONTENT_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            try {
                return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                lastFailure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetriableException("Interrupted while calling the schema registry", e);
            }
        }
        // The worker retries a retriable failure (with errors.retry.timeout) instead of failing the task at once.
        throw new RetriableException("No schema registry answered at " + baseUris + ": " + lastFailure, lastFailure);
    }
}
