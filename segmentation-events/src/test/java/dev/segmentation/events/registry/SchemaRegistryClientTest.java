package dev.segmentation.events.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** The client against a real HTTP server that plays the registry's part and records what it was sent. */
class SchemaRegistryClientTest {

    private static final String SCHEMA = "{\"type\":\"string\"}";

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile int failureStatus = 503;
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void registersOnceAndAnswersTheSchemaOfItsIdFromTheCache() {
        SchemaRegistryClient client = new SchemaRegistryClient(RegistrySettings.of(start()));

        assertThat(client.register("sign_in-value", SCHEMA)).isEqualTo(7);
        assertThat(client.register("sign_in-value", SCHEMA)).isEqualTo(7);
        assertThat(client.schemaById(7)).isEqualTo(SCHEMA);
        assertThat(requests).containsExactly("POST /subjects/sign_in-value/versions {\"schema\":\"{\\\"type\\\":\\\"string\\\"}\"}");
    }

    @Test
    void fetchesSchemasByIdAndLooksUpSubjects() {
        SchemaRegistryClient client = new SchemaRegistryClient(RegistrySettings.of(start()));

        assertThat(client.schemaById(3)).isEqualTo("\"int\"");
        assertThat(client.lookUp("sign_in-value", SCHEMA)).isEqualTo(7);
        assertThat(client.latestSchema("item_view-value")).isEqualTo("\"long\"");
        assertThatThrownBy(() -> client.schemaById(404)).isInstanceOf(SchemaNotFoundException.class)
                .hasMessageContaining("schema with id 404");
    }

    @Test
    void theLatestIdOfASubjectBringsItsSchemaIntoTheCache() {
        SchemaRegistryClient client = new SchemaRegistryClient(RegistrySettings.of(start()));

        assertThat(client.latestId("item_view-value")).isEqualTo(9);
        assertThat(client.schemaById(9)).isEqualTo("\"long\"");
        assertThat(requests).containsExactly("GET /subjects/item_view-value/versions/latest");
        assertThatThrownBy(() -> client.latestId("no_such_topic-value")).isInstanceOf(SchemaNotFoundException.class)
                .hasMessageContaining("latest schema of subject no_such_topic-value");
    }

    @Test
    void sendsBasicAuthOrABearerToken() {
        String url = start();
        new SchemaRegistryClient(new RegistrySettings(List.of(url), "key:secret", null)).schemaById(3);
        new SchemaRegistryClient(new RegistrySettings(List.of(url), null, "token-1")).schemaById(3);
        new SchemaRegistryClient(RegistrySettings.of(url)).schemaById(3);

        assertThat(authorizations).containsExactly("Basic a2V5OnNlY3JldA==", "Bearer token-1", "none");
    }

    @Test
    void triesTheNextUrlWhenOneCannotBeReached() {
        String url = start();
        SchemaRegistryClient client = new SchemaRegistryClient(new RegistrySettings(List.of(unusedUrl(), url),
                null, null));

        assertThat(client.register("sign_in-value", SCHEMA)).isEqualTo(7);
    }

    @Test
    void retriesServerErrorsThenGivesUpWithARetriableFailure() {
        SchemaRegistryClient client = new SchemaRegistryClient(RegistrySettings.of(start()));
        failuresLeft.set(2);
        assertThat(client.schemaById(3)).isEqualTo("\"int\"");
        assertThat(requests).hasSize(3);

        failuresLeft.set(100);
        assertThatThrownBy(() -> client.schemaById(5)).isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("answered 503");
    }

    @Test
    void aRefusalIsNotRetriedAndNamesTheCredentials() {
        SchemaRegistryClient client = new SchemaRegistryClient(RegistrySettings.of(start()));
        failureStatus = 401;
        failuresLeft.set(1);

        assertThatThrownBy(() -> client.schemaById(3)).isInstanceOf(SchemaRegistryException.class)
                .isNotInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("basic.auth.user.info or bearer.auth.token");
        assertThat(requests).hasSize(1);
    }

    @Test
    void theConfigRefusesBothKindsOfCredentialsAndUrlsThatAreNotHttp() {
        ConfigDef def = new ConfigDef();
        RegistryConfig.define(def, "Registry", 1);

        AbstractConfig both = new AbstractConfig(def, Map.of(RegistryConfig.URL_CONFIG, "http://registry:8081",
                RegistryConfig.BASIC_AUTH_USER_INFO_CONFIG, "key:secret", RegistryConfig.BEARER_AUTH_TOKEN_CONFIG, "t"));
        assertThatThrownBy(() -> RegistryConfig.settings(both)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("clear one of them");
        assertThatThrownBy(() -> new AbstractConfig(def, Map.of(RegistryConfig.URL_CONFIG, "registry:8081")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> new AbstractConfig(def, Map.of(RegistryConfig.URL_CONFIG, "http://registry:8081",
                RegistryConfig.BASIC_AUTH_USER_INFO_CONFIG, "keyonly")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("user:password").hasMessageNotContaining("keyonly");
        assertThatThrownBy(() -> new AbstractConfig(def, Map.of(RegistryConfig.URL_CONFIG, "http://registry:8081",
                RegistryConfig.BEARER_AUTH_TOKEN_CONFIG, "Bearer abc")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bare token");

        RegistrySettings settings = RegistryConfig.settings(new AbstractConfig(def, Map.of(
                RegistryConfig.URL_CONFIG, "http://a:8081,http://b:8081", RegistryConfig.BEARER_AUTH_TOKEN_CONFIG, "t")));
        assertThat(settings.urls()).containsExactly("http://a:8081", "http://b:8081");
        assertThat(settings.toString()).doesNotContain("t]").contains("auth=bearer");
    }

    private String start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::answer);
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void answer(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getPath();
        requests.add(exchange.getRequestMethod() + " " + path + (body.isEmpty() ? "" : " " + body));
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        authorizations.add(authorization == null ? "none" : authorization);
        if (failuresLeft.getAndDecrement() > 0) {
            reply(exchange, failureStatus, "{\"error_code\":" + failureStatus + "}");
        } else if (path.equals("/schemas/ids/3")) {
            reply(exchange, 200, "{\"schema\":\"\\\"int\\\"\"}");
        } else if (path.equals("/subjects/item_view-value/versions/latest")) {
            reply(exchange, 200, "{\"subject\":\"item_view-value\",\"version\":2,\"id\":9,\"schema\":\"\\\"long\\\"\"}");
        } else if (path.startsWith("/subjects/sign_in-value")) {
            reply(exchange, 200, "{\"id\":7}");
        } else {
            reply(exchange, 404, "{\"error_code\":40403}");
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static String unusedUrl() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
