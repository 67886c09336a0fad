package dev.segmentation.stack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for a Snowflake account at the one boundary that cannot run here: Snowflake's cloud. It speaks just
 * enough of the JDBC driver's REST protocol (a key-pair login, then statements answered "executed successfully")
 * for the connector's validation to log in, and then goes away: the next login finds the port closed, as if the
 * account had become unreachable between the check and the start.
 *
 * <p>Reach it with {@code snowflake.url.name=http://127.0.0.1:<port>}; the connector accepts plain HTTP and a dotted
 * IP address as an account URL.
 */
final class FakeSnowflakeAccount implements AutoCloseable {

    private static final String LOGIN_PATH = "/session/v1/login-request";
    private static final String LOGIN_OK = """
            {"success": true, "code": null, "message": null, "data": {
              "token": "<session-token>", "masterToken": "<master-token>", "validityInSeconds": 3600,
              "masterValidityInSeconds": 14400, "sessionId": 1, "serverVersion": "8.0.0", "displayUserName": "KAFKA",
              "firstLogin": false, "healthCheckInterval": 45,
              "parameters": [{"name": "AUTOCOMMIT", "value": true}],
              "sessionInfo": {"databaseName": "SEGMENTATION", "schemaName": "RAW_EVENTS", "warehouseName": null,
                              "roleName": "KAFKA_CONNECT_ROLE"}}}""";
    private static final String STATEMENT_OK = """
            {"success": true, "code": null, "message": null, "data": {
              "parameters": [], "queryResultFormat": "json", "queryId": "0", "statementTypeId": 4096, "version": 1,
              "rowtype": [{"name": "status", "type": "text", "nullable": true, "length": 16777216,
                           "byteLength": 16777216, "database": "", "schema": "", "table": ""}],
              "rowset": [["Statement executed successfully."]], "total": 1, "returned": 1}}""";

    private final HttpServer server;
    private final AtomicInteger logins = new AtomicInteger();

    FakeSnowflakeAccount() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    /** The value for {@code snowflake.url.name}. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Logins the account has seen, the refused one included. */
    int logins() {
        return logins.get();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            boolean login = exchange.getRequestURI().getPath().equals(LOGIN_PATH);
            if (login && logins.incrementAndGet() > 1) {
                // Unreachable from now on. stop() waits for open exchanges, so it runs beside this one.
                new Thread(() -> server.stop(0), "fake-snowflake-stop").start();
                return;
            }
            byte[] body = (login ? LOGIN_OK : STATEMENT_OK).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
