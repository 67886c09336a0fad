package dev.segmentation.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Decodes record values written in Confluent's wire format (magic byte 0, 4-byte schema id, Avro binary) by
 * fetching each writer schema from the registry, as any consumer would. Independent of the converter that
 * wrote them.
 */
final class ConfluentWireFormat {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String registryUrl;
    private final Map<Integer, Schema> schemas = new HashMap<>();

    ConfluentWireFormat(String registryUrl) {
        this.registryUrl = registryUrl;
    }

    /** The schema id of a value, after checking the magic byte. */
    static int schemaId(byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        if (buffer.get() != 0) {
            throw new IllegalArgumentException("not in Confluent wire format: magic byte is not 0");
        }
        return buffer.getInt();
    }

    GenericRecord decode(byte[] value) throws IOException, InterruptedException {
        Schema schema = writerSchema(schemaId(value));
        return new GenericDatumReader<GenericRecord>(schema)
                .read(null, DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null));
    }

    Schema writerSchema(int id) throws IOException, InterruptedException {
        Schema known = schemas.get(id);
        if (known != null) {
            return known;
        }
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(registryUrl + "/schemas/ids/" + id)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("registry answered " + response.statusCode() + " for schema " + id);
        }
        Schema schema = new Schema.Parser().parse(JSON.readTree(response.body()).get("schema").asText());
        schemas.put(id, schema);
        return schema;
    }

    /** The latest schema registered under a subject. */
    Schema latest(String subject) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(registryUrl + "/subjects/" + subject + "/versions/latest")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("registry answered " + response.statusCode() + " for subject " + subject);
        }
        return new Schema.Parser().parse(JSON.readTree(response.body()).get("schema").asText());
    }
}
