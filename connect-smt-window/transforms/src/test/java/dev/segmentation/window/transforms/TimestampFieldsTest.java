package dev.segmentation.window.transforms;

import static dev.segmentation.window.transforms.TestRecords.EMITTED_AT;
import static dev.segmentation.window.transforms.TestRecords.WINDOW_END;
import static dev.segmentation.window.transforms.TestRecords.WINDOW_START;
import static dev.segmentation.window.transforms.TestRecords.configured;
import static dev.segmentation.window.transforms.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TimestampFieldsTest {

    /** Shaped like the segment_registrations value, with epoch milliseconds as plain int64. */
    static Schema valueSchema() {
        return SchemaBuilder.struct().name("dev.segmentation.aggregates.SegmentRegistrations").version(3)
                .doc("Registrations per segment and window.")
                .field("window_start", SchemaBuilder.int64().doc("Inclusive start of the window.").build())
                .field("window_end", Schema.INT64_SCHEMA)
                .field("age_band", Schema.STRING_SCHEMA)
                .field("registrations", Schema.INT64_SCHEMA)
                .field("emitted_at", Schema.OPTIONAL_INT64_SCHEMA)
                .build();
    }

    static Struct value(Schema schema, Long emittedAt) {
        return new Struct(schema)
                .put("window_start", WINDOW_START.toEpochMilli())
                .put("window_end", WINDOW_END.toEpochMilli())
                .put("age_band", "25-34")
                .put("registrations", 7L)
                .put("emitted_at", emittedAt);
    }

    static Schema keySchema() {
        return SchemaBuilder.struct().name("dev.segmentation.aggregates.SegmentWindowKey")
                .field("metric", Schema.STRING_SCHEMA)
                .field("window_start", Schema.INT64_SCHEMA)
                .build();
    }

    static Struct key(Schema schema) {
        return new Struct(schema).put("metric", "registrations").put("window_start", WINDOW_START.toEpochMilli());
    }

    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value) {
        return (Map<String, Object>) value;
    }

    static Date date(Instant instant) {
        return Date.from(instant);
    }

    @Nested
    class ValueSide {

        private final TimestampFields<SinkRecord> transform = configured(new TimestampFields.Value<>(),
                Map.of("fields", "window_start, emitted_at, event_time"));

        @AfterEach
        void close() {
            transform.close();
        }

        @Test
        void schemalessListedLongsBecomeDatesAndTheRestIsUntouched() {
            Map<String, Object> value = map("window_start", WINDOW_START.toEpochMilli(),
                    "window_end", WINDOW_END.toEpochMilli(), "registrations", 7L,
                    "emitted_at", EMITTED_AT.toEpochMilli());
            Map<String, Object> before = new HashMap<>(value);

            SinkRecord result = transform.apply(record(null, "k", null, value));

            assertThat(result.valueSchema()).isNull();
            assertThat(result.value()).isEqualTo(map("window_start", date(WINDOW_START),
                    "window_end", WINDOW_END.toEpochMilli(), "registrations", 7L, "emitted_at", date(EMITTED_AT)));
            assertThat(value).as("the input map is not modified").isEqualTo(before);
            assertThat(result.key()).isEqualTo("k");
        }

        @Test
        void schemalessNullStaysNullAndAbsentFieldStaysAbsent() {
            SinkRecord result = transform.apply(record(null, null, null, map("window_start", null)));

            assertThat(asMap(result.value())).containsEntry("window_start", null)
                    .doesNotContainKeys("emitted_at", "event_time");
        }

        @Test
        void schemalessWrongTypeNamesTheFieldAndTheType() {
            SinkRecord record = record(null, null, null, map("emitted_at", 1234));

            assertThatThrownBy(() -> transform.apply(record)).isInstanceOf(DataException.class)
                    .hasMessageContaining("'emitted_at'").hasMessageContaining(Integer.class.getName());
        }

        @Test
        void schemalessDateIsAlreadyATimestamp() {
            SinkRecord result = transform.apply(record(null, null, null, map("window_start", date(WINDOW_START))));

            assertThat(asMap(result.value())).containsEntry("window_start", date(WINDOW_START));
        }

        @Test
        void withSchemaListedFieldsBecomeTimestampsKeepingOptionalityAndDoc() {
            Schema schema = valueSchema();
            SinkRecord result = transform.apply(record(null, null, schema, value(schema, EMITTED_AT.toEpochMilli())));

            Schema updated = result.valueSchema();
            assertThat(updated.name()).isEqualTo(schema.name());
            assertThat(updated.version()).isEqualTo(schema.version());
            assertThat(updated.doc()).isEqualTo(schema.doc());
            assertThat(updated.fields()).extracting(f -> f.name())
                    .containsExactly("window_start", "window_end", "age_band", "registrations", "emitted_at");

            Schema windowStart = updated.field("window_start").schema();
            assertThat(windowStart.name()).isEqualTo(Timestamp.LOGICAL_NAME);
            assertThat(windowStart.type()).isEqualTo(Schema.Type.INT64);
            assertThat(windowStart.isOptional()).isFalse();
            assertThat(windowStart.doc()).isEqualTo("Inclusive start of the window.");
            Schema emittedAt = updated.field("emitted_at").schema();
            assertThat(emittedAt.name()).isEqualTo(Timestamp.LOGICAL_NAME);
            assertThat(emittedAt.isOptional()).isTrue();
            assertThat(updated.field("window_end").schema()).as("not listed").isEqualTo(Schema.INT64_SCHEMA);

            Struct value = (Struct) result.value();
            value.validate();
            assertThat(value.get("window_start")).isEqualTo(date(WINDOW_START));
            assertThat(value.get("emitted_at")).isEqualTo(date(EMITTED_AT));
            assertThat(value.get("window_end")).isEqualTo(WINDOW_END.toEpochMilli());
            assertThat(value.get("age_band")).isEqualTo("25-34");
            assertThat(value.get("registrations")).isEqualTo(7L);
        }

        @Test
        void withSchemaNullStaysNullEvenWhenTheFieldHasADefault() {
            Schema schema = SchemaBuilder.struct()
                    .field("emitted_at", SchemaBuilder.int64().optional().defaultValue(0L).build())
                    .build();
            Struct value = new Struct(schema).put("emitted_at", null);

            SinkRecord result = transform.apply(record(null, null, schema, value));

            Schema emittedAt = result.valueSchema().field("emitted_at").schema();
            assertThat(emittedAt.defaultValue()).as("the default is converted too").isEqualTo(date(Instant.EPOCH));
            assertThat(((Struct) result.value()).getWithoutDefault("emitted_at")).isNull();
        }

        @Test
        void withSchemaWrongTypeNamesTheFieldAndTheType() {
            Schema schema = SchemaBuilder.struct().field("window_start", Schema.STRING_SCHEMA).build();
            SinkRecord record = record(null, null, schema, new Struct(schema).put("window_start", "08:00"));

            assertThatThrownBy(() -> transform.apply(record)).isInstanceOf(DataException.class)
                    .hasMessageContaining("'window_start'").hasMessageContaining("string");
        }

        @Test
        void withSchemaInt64OfAnotherUnitIsRefusedRatherThanMisread() {
            Schema micros = SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").build();
            Schema schema = SchemaBuilder.struct().field("event_time", micros).build();
            SinkRecord record = record(null, null, schema, new Struct(schema).put("event_time", 1L));

            assertThatThrownBy(() -> transform.apply(record)).isInstanceOf(DataException.class)
                    .hasMessageContaining("'event_time'").hasMessageContaining("io.debezium.time.MicroTimestamp");
        }

        @Test
        void withSchemaTimestampFieldIsKept() {
            Schema schema = SchemaBuilder.struct().field("window_start", Timestamp.SCHEMA).build();
            SinkRecord result = transform.apply(record(null, null, schema,
                    new Struct(schema).put("window_start", date(WINDOW_START))));

            assertThat(result.valueSchema().field("window_start").schema()).isEqualTo(Timestamp.SCHEMA);
            assertThat(((Struct) result.value()).get("window_start")).isEqualTo(date(WINDOW_START));
        }

        @Test
        void withSchemaTheNewSchemaIsBuiltOncePerInputSchema() {
            SinkRecord first = transform.apply(record(null, null, valueSchema(), value(valueSchema(), null)));
            SinkRecord second = transform.apply(record(null, null, valueSchema(), value(valueSchema(), 5L)));

            assertThat(second.valueSchema()).isSameAs(first.valueSchema());
        }

        @Test
        void withSchemaAValueThatIsNotAStructFails() {
            SinkRecord record = record(null, null, Schema.INT64_SCHEMA, 5L);

            assertThatThrownBy(() -> transform.apply(record)).isInstanceOf(DataException.class)
                    .hasMessageContaining("Struct");
        }

        @Test
        void tombstonePassesThroughUnchanged() {
            Schema keySchema = keySchema();
            SinkRecord tombstone = record(keySchema, key(keySchema), valueSchema(), null);

            assertThat(transform.apply(tombstone)).isSameAs(tombstone);
        }

        @Test
        void nullKeyLeavesTheKeyNullAndStillConvertsTheValue() {
            Schema schema = valueSchema();
            SinkRecord result = transform.apply(record(null, null, schema, value(schema, null)));

            assertThat(result.key()).isNull();
            assertThat(result.keySchema()).isNull();
            assertThat(((Struct) result.value()).get("window_start")).isEqualTo(date(WINDOW_START));
        }
    }

    @Nested
    class KeySide {

        private final TimestampFields<SinkRecord> transform = configured(new TimestampFields.Key<>(),
                Map.of("fields", "window_start"));

        @AfterEach
        void close() {
            transform.close();
        }

        @Test
        void schemalessKeyFieldBecomesADateAndTheValueIsUntouched() {
            Map<String, Object> value = map("window_start", WINDOW_START.toEpochMilli());
            SinkRecord result = transform.apply(record(null, map("metric", "registrations",
                    "window_start", WINDOW_START.toEpochMilli()), null, value));

            assertThat(result.key()).isEqualTo(map("metric", "registrations", "window_start", date(WINDOW_START)));
            assertThat(result.value()).isSameAs(value);
        }

        @Test
        void withSchemaKeyFieldBecomesATimestampAndTheValueIsUntouched() {
            Schema keySchema = keySchema();
            Schema valueSchema = valueSchema();
            Struct value = value(valueSchema, null);

            SinkRecord result = transform.apply(record(keySchema, key(keySchema), valueSchema, value));

            assertThat(result.keySchema().field("window_start").schema()).isEqualTo(Timestamp.SCHEMA);
            assertThat(result.keySchema().field("metric").schema()).isEqualTo(Schema.STRING_SCHEMA);
            assertThat(((Struct) result.key()).get("window_start")).isEqualTo(date(WINDOW_START));
            assertThat(((Struct) result.key()).get("metric")).isEqualTo("registrations");
            assertThat(result.valueSchema()).isSameAs(valueSchema);
            assertThat(result.value()).isSameAs(value);
        }

        @Test
        void nullKeyPassesThroughUnchanged() {
            Schema schema = valueSchema();
            SinkRecord record = record(null, null, schema, value(schema, null));

            assertThat(transform.apply(record)).isSameAs(record);
        }

        @Test
        void tombstoneKeepsItsNullValueAndItsKeyIsConverted() {
            // The sink deletes by key, so a tombstone's key must look like the key of the row it deletes.
            Schema keySchema = keySchema();
            SinkRecord result = transform.apply(record(keySchema, key(keySchema), null, null));

            assertThat(result.value()).isNull();
            assertThat(result.valueSchema()).isNull();
            assertThat(((Struct) result.key()).get("window_start")).isEqualTo(date(WINDOW_START));
        }

        @Test
        void schemalessKeyThatIsNotAMapFails() {
            SinkRecord record = record(null, "registrations", null, null);

            assertThatThrownBy(() -> transform.apply(record)).isInstanceOf(DataException.class)
                    .hasMessageContaining("Map").hasMessageContaining(String.class.getName());
        }
    }
}
