package dev.segmentation.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Properties;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The REST API over a real single-node KRaft broker, each test on a schema topic of its own. */
class SchemaRegistryServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String V1 = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"t\",\"fields\":"
            + "[{\"name\":\"id\",\"type\":\"string\"}]}";
    private static final String V2 = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"t\",\"fields\":"
            + "[{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"lang\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
    private static final String BREAKING = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"t\",\"fields\":"
            + "[{\"name\":\"id\",\"type\":\"long\"}]}";

    private static KafkaClusterTestKit kafka;
    private SchemaRegistryServer server;
    private String topic;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build()).build();
        kafka.format();
        kafka.startup();
        kafka.waitForReadyBrokers();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @BeforeEach
    void startRegistry(TestInfo test) throws Exception {
        topic = "_schemas_" + test.getTestMethod().orElseThrow().getName();
        server = start();
    }

    @AfterEach
    void stopRegistry() throws InterruptedException {
        server.close();
    }

    private SchemaRegistryServer start() throws Exception {
        Properties config = new Properties();
        config.setProperty("listeners", "http://127.0.0.1:0");
        config.setProperty("kafkastore.bootstrap.servers", kafka.bootstrapServers());
        config.setProperty("kafkastore.topic", topic);
        return SchemaRegistryServer.start(config);
    }

    private record Answer(int status, JsonNode body) {
    }

    private Answer call(String method, String path, String body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", RegistryApi.CONTENT_TYPE).method(method, publisher).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }

    private static String schemaBody(String schema) {
        return JSON.createObjectNode().put("schema", schema).toString();
    }

    @Test
    void registersLooksUpAndServesSchemasLikeConfluent() throws Exception {
        Answer first = call("POST", "/subjects/users-value/versions?normalize=false", schemaBody(V1));
        Answer again = call("POST", "/subjects/users-value/versions", schemaBody(V1.replace(",", ", ")));
        Answer otherSubject = call("POST", "/subjects/people-value/versions", schemaBody(V1));
        Answer second = call("POST", "/subjects/users-value/versions", schemaBody(V2));

        assertThat(first.status()).isEqualTo(200);
        int id1 = first.body().get("id").asInt();
        assertThat(again.body().get("id").asInt()).as("same schema, same id").isEqualTo(id1);
        assertThat(otherSubject.body().get("id").asInt()).as("ids are global").isEqualTo(id1);
        assertThat(second.body().get("id").asInt()).isNotEqualTo(id1);

        assertThat(call("GET", "/subjects/users-value/versions", null).body().toString()).isEqualTo("[1,2]");
        JsonNode latest = call("GET", "/subjects/users-value/versions/latest", null).body();
        assertThat(latest.get("version").asInt()).isEqualTo(2);
        assertThat(JSON.readTree(latest.get("schema").asText())).isEqualTo(JSON.readTree(V2));
        assertThat(JSON.readTree(call("GET", "/schemas/ids/" + id1 + "?fetchMaxId=false", null).body()
                .get("schema").asText())).isEqualTo(JSON.readTree(V1));
        assertThat(call("POST", "/subjects/users-value", schemaBody(V1)).body().get("version").asInt()).isEqualTo(1);
        assertThat(call("GET", "/subjects", null).body().toString()).isEqualTo("[\"people-value\",\"users-value\"]");
    }

    @Test
    void refusesIncompatibleSchemasAndAnswersConfluentErrorCodes() throws Exception {
        call("POST", "/subjects/users-value/versions", schemaBody(V1));

        Answer incompatible = call("POST", "/subjects/users-value/versions", schemaBody(BREAKING));
        assertThat(incompatible.status()).isEqualTo(409);
        assertThat(incompatible.body().get("message").asText()).contains("incompatible", "users-value");
        assertThat(call("POST", "/compatibility/subjects/users-value/versions/latest", schemaBody(BREAKING))
                .body().get("is_compatible").asBoolean()).isFalse();
        assertThat(call("POST", "/compatibility/subjects/users-value/versions/latest", schemaBody(V2))
                .body().get("is_compatible").asBoolean()).isTrue();

        assertThat(call("GET", "/subjects/nobody/versions", null).body().get("error_code").asInt()).isEqualTo(40401);
        assertThat(call("GET", "/subjects/users-value/versions/7", null).body().get("error_code").asInt()).isEqualTo(40402);
        assertThat(call("GET", "/subjects/users-value/versions/zero", null).body().get("error_code").asInt()).isEqualTo(42202);
        assertThat(call("GET", "/schemas/ids/999", null).status()).isEqualTo(404);
        Answer invalid = call("POST", "/subjects/users-value/versions", schemaBody("{\"type\":\"recrod\"}"));
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.body().get("error_code").asInt()).isEqualTo(42201);
    }

    @Test
    void compatibilityLevelsAreConfigurableGloballyAndPerSubject() throws Exception {
        assertThat(call("GET", "/config", null).body().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
        assertThat(call("GET", "/config/users-value", null).body().get("error_code").asInt()).isEqualTo(40408);
        assertThat(call("GET", "/config/users-value?defaultToGlobal=true", null).body()
                .get("compatibilityLevel").asText()).isEqualTo("BACKWARD");

        call("POST", "/subjects/users-value/versions", schemaBody(V1));
        assertThat(call("PUT", "/config/users-value", "{\"compatibility\":\"NONE\"}").status()).isEqualTo(200);
        assertThat(call("POST", "/subjects/users-value/versions", schemaBody(BREAKING)).status()).isEqualTo(200);
        assertThat(call("PUT", "/config", "{\"compatibility\":\"SOMETIMES\"}").body().get("error_code").asInt())
                .isEqualTo(42203);
    }

    @Test
    void aRestartedRegistryServesTheSameIdsFromTheTopicAndContinuesNumbering() throws Exception {
        int id1 = call("POST", "/subjects/a-value/versions", schemaBody(V1)).body().get("id").asInt();
        int id2 = call("POST", "/subjects/a-value/versions", schemaBody(V2)).body().get("id").asInt();
        call("PUT", "/config/a-value", "{\"compatibility\":\"FULL\"}");
        call("DELETE", "/subjects/a-value/versions/1", null);

        server.close();
        server = start();

        assertThat(JSON.readTree(call("GET", "/schemas/ids/" + id1, null).body().get("schema").asText()))
                .as("a soft-deleted version's id still resolves").isEqualTo(JSON.readTree(V1));
        assertThat(call("GET", "/subjects/a-value/versions", null).body().toString()).isEqualTo("[2]");
        assertThat(call("GET", "/config/a-value", null).body().get("compatibilityLevel").asText()).isEqualTo("FULL");
        assertThat(call("POST", "/subjects/a-value/versions", schemaBody(V2)).body().get("id").asInt()).isEqualTo(id2);
        String v3 = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"t\",\"fields\":[{\"name\":\"id\","
                + "\"type\":\"string\"},{\"name\":\"lang\",\"type\":[\"null\",\"string\"],\"default\":null},"
                + "{\"name\":\"visits\",\"type\":\"int\",\"default\":0}]}";
        int id3 = call("POST", "/subjects/a-value/versions", schemaBody(v3)).body().get("id").asInt();
        assertThat(id3).isEqualTo(Math.max(id1, id2) + 1);
        assertThat(call("GET", "/subjects/a-value/versions/latest", null).body().get("version").asInt()).isEqualTo(3);
    }
}
