package dev.segmentation.window.transforms;

import static dev.segmentation.window.transforms.TestRecords.WINDOW_START;
import static dev.segmentation.window.transforms.TestRecords.configured;
import static dev.segmentation.window.transforms.TestRecords.record;
import static dev.segmentation.window.transforms.TimestampFieldsTest.asMap;
import static dev.segmentation.window.transforms.TimestampFieldsTest.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CopyFieldsTest {

    static final long START = WINDOW_START.toEpochMilli();

    static final Schema KEY_SCHEMA = SchemaBuilder.struct().name("dev.segmentation.aggregates.SegmentWindowKey")
            .field("metric", Schema.STRING_SCHEMA)
            .field("age_band", Schema.STRING_SCHEMA)
            .field("window_start", SchemaBuilder.int64().doc("Inclusive start of the window.").build())
            .build();

    static final Schema VALUE_SCHEMA = SchemaBuilder.struct().name("dev.segmentation.aggregates.SegmentRegistrations")
            .version(2)
            .field("age_band", Schema.OPTIONAL_STRING_SCHEMA)
            .field("registrations", Schema.INT64_SCHEMA)
            .build();

    static Struct key() {
        return new Struct(KEY_SCHEMA).put("metric", "registrations").put("age_band", "25-34")
                .put("window_start", START);
    }

    static Struct value(String ageBand) {
        return new Struct(VALUE_SCHEMA).put("age_band", ageBand).put("registrations", 7L);
    }

    static CopyFields<SinkRecord> valueSide(Map<String, ?> props) {
        return configured(new CopyFields.Value<>(), props);
    }

    static CopyFields<SinkRecord> keySide(Map<String, ?> props) {
        return configured(new CopyFields.Key<>(), props);
    }

    @Nested
    class KeyIntoValue {

        @Test
        void withSchemaCopiesAreAppendedInListOrderWithTheKeySchemas() {
            Struct key = key();
            SinkRecord result = valueSide(Map.of("fields", "window_start, metric"))
                    .apply(record(KEY_SCHEMA, key, VALUE_SCHEMA, value("25-34")));

            Schema schema = result.valueSchema();
            assertThat(schema.name()).isEqualTo(VALUE_SCHEMA.name());
            assertThat(schema.version()).isEqualTo(VALUE_SCHEMA.version());
            assertThat(schema.fields()).extracting(Field::name)
                    .containsExactly("age_band", "registrations", "window_start", "metric");
            assertThat(schema.field("window_start").schema()).isEqualTo(KEY_SCHEMA.field("window_start").schema());
            assertThat(schema.field("metric").schema()).isEqualTo(KEY_SCHEMA.field("metric").schema());

            Struct value = (Struct) result.value();
            value.validate();
            assertThat(value.get("window_start")).isEqualTo(START);
            assertThat(value.get("metric")).isEqualTo("registrations");
            assertThat(value.get("registrations")).isEqualTo(7L);
            assertThat(result.key()).isSameAs(key);
            assertThat(result.keySchema()).isSameAs(KEY_SCHEMA);
        }

        @Test
        void schemalessCopiesIntoTheValueMap() {
            Map<String, Object> value = map("registrations", 7L);
            Map<String, Object> before = new HashMap<>(value);
            SinkRecord result = valueSide(Map.of("fields", "metric,window_start"))
                    .apply(record(null, map("metric", "registrations", "window_start", START), null, value));

            assertThat(result.valueSchema()).isNull();
            assertThat(result.value()).isEqualTo(map("registrations", 7L, "metric", "registrations",
                    "window_start", START));
            assertThat(value).as("the input map is not modified").isEqualTo(before);
        }

        @Test
        void structKeyIntoSchemalessValue() {
            SinkRecord result = valueSide(Map.of("fields", "metric"))
                    .apply(record(KEY_SCHEMA, key(), null, map("registrations", 7L)));

            assertThat(result.value()).isEqualTo(map("registrations", 7L, "metric", "registrations"));
        }

        @Test
        void fieldsTheKeyLacksAreSkipped() {
            SinkRecord result = valueSide(Map.of("fields", "metric,segment_id"))
                    .apply(record(KEY_SCHEMA, key(), VALUE_SCHEMA, value(null)));

            assertThat(result.valueSchema().field("segment_id")).isNull();
            assertThat(((Struct) result.value()).get("metric")).isEqualTo("registrations");
        }

        @Test
        void anEqualValueAlreadyInTheTargetIsKept() {
            SinkRecord result = valueSide(Map.of("fields", "age_band"))
                    .apply(record(KEY_SCHEMA, key(), VALUE_SCHEMA, value("25-34")));

            assertThat(result.valueSchema().field("age_band").schema()).as("the value's own schema stays")
                    .isEqualTo(Schema.OPTIONAL_STRING_SCHEMA);
            assertThat(((Struct) result.value()).get("age_band")).isEqualTo("25-34");
        }

        @Test
        void aDifferentValueAlreadyInTheTargetFailsNamingTheField() {
            SinkRecord withSchema = record(KEY_SCHEMA, key(), VALUE_SCHEMA, value("35-44"));
            SinkRecord schemaless = record(null, map("age_band", "25-34"), null, map("age_band", "35-44"));
            CopyFields<SinkRecord> transform = valueSide(Map.of("fields", "age_band"));

            for (SinkRecord record : new SinkRecord[] {withSchema, schemaless}) {
                assertThatThrownBy(() -> transform.apply(record)).isInstanceOf(DataException.class)
                        .hasMessageContaining("'age_band'").hasMessageContaining("overwrite")
                        .as("values may be personal data").hasMessageNotContaining("35-44");
            }
        }

        @Test
        void overwriteReplacesValueAndSchemaInPlace() {
            CopyFields<SinkRecord> transform = valueSide(Map.of("fields", "age_band", "overwrite", "true"));

            SinkRecord withSchema = transform.apply(record(KEY_SCHEMA, key(), VALUE_SCHEMA, value("35-44")));
            assertThat(withSchema.valueSchema().fields()).extracting(Field::name)
                    .containsExactly("age_band", "registrations");
            assertThat(withSchema.valueSchema().field("age_band").schema()).isEqualTo(Schema.STRING_SCHEMA);
            assertThat(((Struct) withSchema.value()).get("age_band")).isEqualTo("25-34");

            SinkRecord schemaless = transform.apply(record(null, map("age_band", "25-34"), null,
                    map("age_band", "35-44")));
            assertThat(schemaless.value()).isEqualTo(map("age_band", "25-34"));
        }

        @Test
        void primitiveKeyWithSchemaIsCopiedUnderTheDefaultName() {
            SinkRecord result = valueSide(Map.of("fields", "key"))
                    .apply(record(Schema.STRING_SCHEMA, "user-17", VALUE_SCHEMA, value(null)));

            assertThat(result.valueSchema().field("key").schema()).isEqualTo(Schema.STRING_SCHEMA);
            assertThat(((Struct) result.value()).get("key")).isEqualTo("user-17");
        }

        @Test
        void primitiveKeyWithoutSchemaIsCopiedUnderTheConfiguredName() {
            SinkRecord result = valueSide(Map.of("fields", "user_id", "primitive.key.field", "user_id"))
                    .apply(record(null, 17L, null, map("registrations", 7L)));

            assertThat(result.value()).isEqualTo(map("registrations", 7L, "user_id", 17L));
        }

        @Test
        void primitiveKeyIsNotCopiedUnlessListed() {
            SinkRecord record = record(Schema.STRING_SCHEMA, "user-17", VALUE_SCHEMA, value(null));

            assertThat(valueSide(Map.of("fields", "metric")).apply(record)).isSameAs(record);
        }

        @Test
        void schemalessKeyCannotFeedAValueWithASchema() {
            SinkRecord record = record(null, map("metric", "registrations"), VALUE_SCHEMA, value(null));

            assertThatThrownBy(() -> valueSide(Map.of("fields", "metric")).apply(record))
                    .isInstanceOf(DataException.class).hasMessageContaining("no schema");
        }

        @Test
        void aValueThatIsNeitherStructNorMapFails() {
            SinkRecord record = record(KEY_SCHEMA, key(), null, "seven");

            assertThatThrownBy(() -> valueSide(Map.of("fields", "metric")).apply(record))
                    .isInstanceOf(DataException.class).hasMessageContaining(String.class.getName());
        }

        @Test
        void theNewSchemaIsBuiltOncePerPairOfSchemas() {
            CopyFields<SinkRecord> transform = valueSide(Map.of("fields", "metric"));
            SinkRecord first = transform.apply(record(KEY_SCHEMA, key(), VALUE_SCHEMA, value(null)));
            SinkRecord second = transform.apply(record(KEY_SCHEMA, key(), VALUE_SCHEMA, value("25-34")));

            assertThat(second.valueSchema()).isSameAs(first.valueSchema());
        }

        @Test
        void tombstonePassesThroughUnchanged() {
            SinkRecord tombstone = record(KEY_SCHEMA, key(), VALUE_SCHEMA, null);

            assertThat(valueSide(Map.of("fields", "metric")).apply(tombstone)).isSameAs(tombstone);
        }

        @Test
        void nullKeyCopiesNothingSoTheFieldsAreMissingFromTheValue() {
            SinkRecord withSchema = record(KEY_SCHEMA, null, VALUE_SCHEMA, value(null));
            SinkRecord schemaless = record(null, null, null, map("registrations", 7L));
            CopyFields<SinkRecord> transform = valueSide(Map.of("fields", "metric"));

            SinkRecord withSchemaResult = transform.apply(withSchema);
            assertThat(withSchemaResult).isSameAs(withSchema);
            assertThat(withSchemaResult.valueSchema().field("metric")).isNull();
            SinkRecord schemalessResult = transform.apply(schemaless);
            assertThat(schemalessResult).isSameAs(schemaless);
            assertThat(asMap(schemalessResult.value())).doesNotContainKey("metric");
        }
    }

    @Nested
    class ValueIntoKey {

        @Test
        void withSchemaValueFieldsAreAppendedToTheKey() {
            Struct value = value("25-34");
            SinkRecord result = keySide(Map.of("fields", "registrations"))
                    .apply(record(KEY_SCHEMA, key(), VALUE_SCHEMA, value));

            assertThat(result.keySchema().fields()).extracting(Field::name)
                    .containsExactly("metric", "age_band", "window_start", "registrations");
            assertThat(result.keySchema().name()).isEqualTo(KEY_SCHEMA.name());
            assertThat(((Struct) result.key()).get("registrations")).isEqualTo(7L);
            assertThat(((Struct) result.key()).get("window_start")).isEqualTo(START);
            assertThat(result.value()).isSameAs(value);
            assertThat(result.valueSchema()).isSameAs(VALUE_SCHEMA);
        }

        @Test
        void schemalessValueFieldsGoIntoTheKeyMap() {
            SinkRecord result = keySide(Map.of("fields", "registrations"))
                    .apply(record(null, map("metric", "registrations"), null, map("registrations", 7L)));

            assertThat(result.key()).isEqualTo(map("metric", "registrations", "registrations", 7L));
        }

        @Test
        void nullKeyPassesThroughUnchanged() {
            SinkRecord record = record(null, null, VALUE_SCHEMA, value("25-34"));

            assertThat(keySide(Map.of("fields", "registrations")).apply(record)).isSameAs(record);
        }

        @Test
        void tombstonePassesThroughUnchanged() {
            SinkRecord tombstone = record(KEY_SCHEMA, key(), null, null);

            assertThat(keySide(Map.of("fields", "registrations")).apply(tombstone)).isSameAs(tombstone);
        }

        @Test
        void aPrimitiveValueIsNotCopiedWhole() {
            // primitive.key.field is a key-side notion: it names where a key goes, not a value.
            SinkRecord record = record(KEY_SCHEMA, key(), Schema.STRING_SCHEMA, "seven");

            assertThatThrownBy(() -> keySide(Map.of("fields", "key")).apply(record))
                    .isInstanceOf(DataException.class).hasMessageContaining(String.class.getName());
        }

        @Test
        void aPrimitiveKeyCannotReceiveFields() {
            SinkRecord record = record(Schema.STRING_SCHEMA, "user-17", VALUE_SCHEMA, value("25-34"));

            assertThatThrownBy(() -> keySide(Map.of("fields", "registrations")).apply(record))
                    .isInstanceOf(DataException.class).hasMessageContaining("Struct");
        }
    }
}
