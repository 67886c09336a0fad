package dev.segmentation.archive.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The detector on lines that must and must not be flagged. Every sample is put together at run time, so that
 * this file itself holds nothing the repository-wide scan would flag.
 */
class SecretDetectorTest {

    private static final SecretDetector DETECTOR = SecretDetector.standard();
    /** The key word in two halves, like every sample below: see the class comment. */
    private static final String PW = "pass" + "word";
    private static final String LITERAL = "hunter" + "2-not-a-real-one";
    private static final String DASHES = "-".repeat(5);

    static Stream<Arguments> secrets() {
        return Stream.of(
                Arguments.of("key.pem", DASHES + "BEGIN " + "PRIVATE KEY" + DASHES),
                Arguments.of("id_rsa", DASHES + "BEGIN RSA " + "PRIVATE KEY" + DASHES),
                Arguments.of("id_ed25519", DASHES + "BEGIN OPENSSH " + "PRIVATE KEY" + DASHES),
                Arguments.of("notes.md", "in a string: \"" + DASHES + "BEGIN ENCRYPTED " + "PRIVATE KEY" + DASHES),
                Arguments.of("deploy.sh", "export AWS_ACCESS_KEY_ID=" + "AKIA" + "Z7QW3ERT5YUI8OPA"),
                Arguments.of("credentials", "aws_" + "secret_access_key = " + "wJalrXUtnFEMIK7MDENGbPxRfiCYz".repeat(2)
                        .substring(0, 40)),
                Arguments.of("App.java", "\"jdbc:postgresql://db:5432/app?user=app&" + PW + "=" + LITERAL + "\""),
                Arguments.of("app.json", "\"url\": \"jdbc:postgresql://app:" + LITERAL + "@db:5432/app\""),
                Arguments.of("app.yml", "url: jdbc:sqlserver://db:1433;user=app;" + PW + "=" + LITERAL),
                Arguments.of("app.properties", "url=jdbc:oracle:thin:app/" + LITERAL + "@db:1521/orcl"),
                Arguments.of("sink.json", "  \"connection." + PW + "\": \"" + LITERAL + "\","),
                Arguments.of("sink.json", "{\"topics\": \"t\", \"ssl.key." + PW + "\": \"" + LITERAL + "\"}"),
                Arguments.of("settings.py", "    'api_" + "key': '" + LITERAL + "',"),
                Arguments.of("sink.json", "\"value.converter.basic.auth.user." + "info\": \"app:" + LITERAL + "\""),
                Arguments.of("worker.properties", "ssl.truststore." + PW + "=" + LITERAL),
                Arguments.of("worker.properties", "  sasl.client.se" + "cret : " + LITERAL),
                Arguments.of("docker-compose.yml", "      POSTGRES_" + PW.toUpperCase() + ": " + LITERAL),
                Arguments.of("docker-compose.yaml", "      - POSTGRES_" + PW.toUpperCase() + "=" + LITERAL),
                Arguments.of("docker-compose.yml", "  " + PW + ": ${POSTGRES_" + "PW:-" + LITERAL + "}"),
                Arguments.of(".env", "export GITHUB_TO" + "KEN=" + LITERAL),
                Arguments.of("source.json", "\"sasl.jaas.config\": \"org.apache.kafka.common.security.plain."
                        + "PlainLoginModule required username=\\\"app\\\" " + PW + "=\\\"" + LITERAL + "\\\";\""),
                Arguments.of("Client.java", "        String db" + "Pass" + "word = \"" + LITERAL + "\";"),
                Arguments.of("settings.xml", "<" + PW + ">" + LITERAL + "</" + PW + ">"));
    }

    static Stream<Arguments> harmless() {
        return Stream.of(
                Arguments.of("sink.json", "  \"connection." + PW + "\": \"${env:POSTGRES_" + "PW}\","),
                Arguments.of("sink.json", "  \"connection." + PW + "\": \"${file:/etc/kafka/db.properties:pw}\""),
                Arguments.of("sink.json", "  \"connection." + PW + "\": \"${directory:/run/secrets:pw}\""),
                Arguments.of("sink.json", "  \"connection." + PW + "\": \"\","),
                Arguments.of("sink.json", "  \"connection." + PW + "\": \"<your database " + PW + ">\""),
                Arguments.of("sink.json", "  \"connection." + PW + "\": \"********\""),
                Arguments.of("sink.json", "  \"connection." + PW + "\": \"changeme\""),
                Arguments.of("sink.json", "  \"connection.user\": \"segmentation\""),
                Arguments.of("sink.json",
                        "\"sasl.oauthbearer.to" + "ken.endpoint.url\": \"https://idp.example/token\""),
                Arguments.of("sink.json", "\"value.converter.basic.auth.credentials.source\": \"USER_INFO\""),
                Arguments.of("worker.properties", "ssl.keystore." + PW + "=${file:/etc/kafka/tls.properties:ks}"),
                Arguments.of("worker.properties", "ssl.keystore.location=/etc/kafka/keystore.p12"),
                Arguments.of("worker.properties", "private" + ".key.location=/etc/keys/app.pem"),
                Arguments.of("worker.properties", "# the " + PW + ": comes from the environment"),
                Arguments.of("docker-compose.yml", "      POSTGRES_" + PW.toUpperCase() + ": ${POSTGRES_PW}"),
                Arguments.of("docker-compose.yml", "  " + PW + ":"),
                Arguments.of("README.md", "The " + PW + ": generated once, kept under .pipeline/secrets."),
                Arguments.of("settings.py", "            \"POSTGRES_" + PW.toUpperCase() + "\": self.postgres_"
                        + PW + "(),"),
                Arguments.of("settings.py", "        return f\"jdbc:postgresql://127.0.0.1:{port}/segmentation\""),
                Arguments.of("App.java", "\"jdbc:postgresql://db/app?" + PW + "=${env:PG_" + "PW}\""),
                Arguments.of("EndToEndIT.java", "        String " + PW + " = Files.readString(home.resolve(x));"),
                Arguments.of("Config.java", "        String " + PW + " = \"\";"),
                Arguments.of("settings.xml", "<" + PW + ">${env.DEPLOY_" + "PW}</" + PW + ">"),
                Arguments.of("cert.pem", DASHES + "BEGIN CERTIFICATE" + DASHES),
                Arguments.of("key.pub", DASHES + "BEGIN PUBLIC KEY" + DASHES),
                Arguments.of("ids.txt", "AKIA" + "Z7QW3ERT5YUI8OPAX is seventeen characters long"),
                Arguments.of("Tokens.java", "    private static final int MAX_TOKENS = 12;"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("secrets")
    void flagsSecrets(String fileName, String line) {
        assertThat(DETECTOR.scan("some/dir/" + fileName, line)).hasSize(1);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("harmless")
    void leavesReferencesPlaceholdersAndOrdinaryTextAlone(String fileName, String line) {
        assertThat(DETECTOR.scan("some/dir/" + fileName, line)).isEmpty();
    }

    @Test
    void findingNamesFileLineAndKindButNotTheSecret() {
        String content = "bootstrap.servers=localhost:9092\n\nssl.key." + PW + "=" + LITERAL + "\n";

        assertThat(DETECTOR.scan("etc/worker.properties", content)).singleElement().satisfies(finding -> {
            assertThat(finding).isEqualTo(
                    new SecretFinding("etc/worker.properties", 3, "literal secret in a key=value file"));
            assertThat(finding.toString()).startsWith("etc/worker.properties:3: ").doesNotContain(LITERAL);
        });
    }

    @Test
    void reportsEveryLineThatHoldsASecret() {
        String line = "\"connection." + PW + "\": \"" + LITERAL + "\"";
        String content = "{\n" + line + ",\n\"topics\": \"t\",\n" + line + "\n}";

        assertThat(DETECTOR.scan("sink.json", content)).extracting(SecretFinding::line).containsExactly(2, 4);
    }
}
