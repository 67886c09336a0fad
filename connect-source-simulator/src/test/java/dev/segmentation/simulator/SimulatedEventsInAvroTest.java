package dev.segmentation.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import dev.segmentation.avro.DirectAvroConverter;
import dev.segmentation.avro.FakeRegistry;

/**
 * Every record a simulation produces, late, duplicated and malformed ones included, goes through the
 * {@link DirectAvroConverter} and reads back, field by field, through Avro's own reader.
 */
class SimulatedEventsInAvroTest {

    @Test
    void everySimulatedRecordReadsBackFieldByField() throws IOException, InterruptedException {
        Map<String, String> config = new HashMap<>(Map.of("clock", "backfill", "clock.start", "2026-01-01T00:00:00Z",
                "clock.end", "2026-01-03T00:00:00Z", "max.events", "20000", "batch.size", "1000", "seed", "11",
                "late.fraction", "0.05", "duplicate.fraction", "0.05", "malformed.fraction", "0.02",
                "topic.malformed", "malformed"));
        List<SourceRecord> records = new ArrayList<>();
        UserEventSourceTask task = new UserEventSourceTask();
        task.initialize(new FakeSourceTaskContext());
        task.start(new TaskSlice(0, 1).taskConfig(config));
        for (int polls = 0; polls < 100 && records.size() < 20_000; polls++) {
            List<SourceRecord> batch = task.poll();
            if (batch != null) {
                records.addAll(batch);
            }
        }
        task.stop();

        Set<String> schemasSeen = new HashSet<>();
        Map<Integer, org.apache.avro.Schema> schemas = new HashMap<>();
        try (FakeRegistry registry = new FakeRegistry()) {
            DirectAvroConverter converter = new DirectAvroConverter();
            converter.configure(Map.of("schema.registry.url", registry.url()), false);
            for (SourceRecord record : records) {
                byte[] bytes = converter.fromConnectData(record.topic(), record.valueSchema(), record.value());
                org.apache.avro.Schema schema = schemas.computeIfAbsent(ByteBuffer.wrap(bytes, 1, 4).getInt(),
                        id -> new org.apache.avro.Schema.Parser().parse(registry.schema(id)));
                Object read = new GenericDatumReader<>(schema)
                        .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
                if (record.value() instanceof Struct struct) {
                    assertSameFields(struct, (GenericRecord) read);
                    schemasSeen.add(schema.getFullName());
                } else {
                    assertThat(read).hasToString(record.value().toString());
                    schemasSeen.add(record.topic());
                }
            }
        }

        assertThat(records).hasSize(20_000);
        assertThat(schemasSeen).contains("dev.segmentation.events.UserRegistration", "dev.segmentation.events.SignIn",
                "dev.segmentation.events.SignOut", "dev.segmentation.events.ItemView",
                "dev.segmentation.events.AddToCart", "dev.segmentation.events.CheckOut", "malformed");
    }

    private static void assertSameFields(Struct struct, GenericRecord read) {
        assertThat(read.getSchema().getFields()).hasSameSizeAs(struct.schema().fields());
        for (Field field : struct.schema().fields()) {
            Object expected = struct.get(field);
            Object actual = read.get(field.name());
            if (expected instanceof java.util.Date date) {
                expected = date.getTime();
            }
            assertThat(actual == null ? null : actual instanceof CharSequence ? actual.toString() : actual)
                    .as("%s.%s", struct.schema().name(), field.name()).isEqualTo(expected);
        }
    }
}
