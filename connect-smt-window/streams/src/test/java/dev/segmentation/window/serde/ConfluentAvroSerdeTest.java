package dev.segmentation.window.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

import dev.segmentation.events.WireFormat;

class ConfluentAvroSerdeTest {

    private static final Schema ROW = SchemaBuilder.record("Row").namespace("dev.segmentation.test").fields()
            .requiredString("segment").requiredLong("count").requiredString("note").endRecord();

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final ConfluentAvroSerde serde = new ConfluentAvroSerde(registry, false);

    @Test
    void writesConfluentsWireFormatAndReadsItBack() {
        byte[] bytes = serde.serializer().serialize("rows", row("de-18-24", 3, "x".repeat(400)));

        assertThat(WireFormat.isFramed(bytes)).isTrue();
        assertThat(WireFormat.schemaId(bytes)).isEqualTo(registry.latestId("rows-value"));
        assertThat(serde.deserializer().deserialize("rows", bytes)).isEqualTo(row("de-18-24", 3, "x".repeat(400)));
    }

    /** The serializer reuses its buffers from record to record: a record holds its own bytes and nothing else. */
    @Test
    void eachRecordGetsExactlyItsOwnBytes() {
        Serializer<GenericRecord> serializer = serde.serializer();
        byte[] long1 = serializer.serialize("rows", row("all", 1, "y".repeat(3_000)));
        byte[] short1 = serializer.serialize("rows", row("all", 2, "z"));

        assertThat(short1).isEqualTo(fresh().serialize("rows", row("all", 2, "z")));
        assertThat(long1).isEqualTo(fresh().serialize("rows", row("all", 1, "y".repeat(3_000))));
    }

    @Test
    void aRecordThatFailsHalfWayLeavesNothingInTheNext() {
        Serializer<GenericRecord> serializer = serde.serializer();
        GenericRecord broken = row("de-18-24", 7, null);
        assertThatThrownBy(() -> serializer.serialize("rows", broken)).isInstanceOf(RuntimeException.class);

        byte[] next = serializer.serialize("rows", row("fr-25-34", 8, "ok"));

        assertThat(next).isEqualTo(fresh().serialize("rows", row("fr-25-34", 8, "ok")));
    }

    private Serializer<GenericRecord> fresh() {
        return new ConfluentAvroSerde(registry, false).serializer();
    }

    private static GenericRecord row(String segment, long count, String note) {
        GenericRecord row = new GenericData.Record(ROW);
        row.put("segment", segment);
        row.put("count", count);
        row.put("note", note);
        return row;
    }
}
