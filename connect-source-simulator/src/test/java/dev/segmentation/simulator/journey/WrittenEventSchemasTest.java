package dev.segmentation.avro;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Date;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.segmentation.events.EventSchemaFiles;
import dev.segmentation.events.EventType;
import dev.segmentation.simulator.journey.EventSchemas;

/**
 * The simulator writes exactly the shared event schemas: what its converter registers for each event equals the
 * {@code .avsc} file, field for field, docs included. The Streams stage reads with those files, so this is the fast
 * check that writer and reader never drift apart.
 */
class WrittenEventSchemasTest {

    @ParameterizedTest
    @EnumSource(EventType.class)
    void theRegisteredSchemaIsTheSharedFile(EventType type) throws IOException {
        String registered;
        try (FakeRegistry registry = new FakeRegistry()) {
            DirectAvroConverter converter = new DirectAvroConverter();
            converter.configure(Map.of("schema.registry.url", registry.url()), false);
            converter.fromConnectData(type.defaultTopic(), EventSchemas.of(type), sample(EventSchemas.of(type)));
            registered = registry.schema(1);
        }

        Schema written = new Schema.Parser().parse(registered);
        Schema shared = new Schema.Parser().parse(EventSchemaFiles.json(type));
        assertThat(written).isEqualTo(shared);
        assertThat(written.getDoc()).isEqualTo(shared.getDoc());
        for (Schema.Field field : shared.getFields()) {
            assertThat(written.getField(field.name()).doc()).as(field.name()).isEqualTo(field.doc());
        }
    }

    /** A value of every field, so that the converter has a record to write. */
    private static Struct sample(org.apache.kafka.connect.data.Schema schema) {
        Struct struct = new Struct(schema);
        for (Field field : schema.fields()) {
            Object value = switch (field.schema().type()) {
                case STRING -> "x";
                case INT32 -> 1;
                case INT64 -> field.schema().name() == null ? (Object) 1L : new Date(1);
                default -> throw new AssertionError("unexpected type of " + field.name());
            };
            struct.put(field, value);
        }
        return struct;
    }
}
