package dev.segmentation.window.transforms;

import static dev.segmentation.window.transforms.TestRecords.configured;
import static dev.segmentation.window.transforms.TestRecords.record;
import static dev.segmentation.window.transforms.TimestampFieldsTest.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicToTableTest {

    static final String TOPIC = "segmentation.metrics.active-users";

    static TopicToTable<SinkRecord> transform(Map<String, ?> props) {
        return configured(new TopicToTable<>(), props);
    }

    @Test
    void stripsThePrefixAndReplacesSeparators() {
        assertThat(transform(Map.of("prefix.strip", "segmentation.metrics.")).tableName(TOPIC))
                .isEqualTo("active_users");
    }

    @ParameterizedTest(name = "{0} with {1}={2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            Segment-Registrations.v2          | case                  | lower    | segment_registrations_v2
            Segment-Registrations.v2          | case                  | upper    | SEGMENT_REGISTRATIONS_V2
            Segment-Registrations.v2          | case                  | preserve | Segment_Registrations_v2
            segmentation.metrics.active-users | separator.replacement | __       | segmentation__metrics__active__users
            segmentation.metrics.active-users | separator.replacement | ''       | segmentationmetricsactiveusers
            segmentation.metrics.active-users | table.prefix          | Agg_     | agg_segmentation_metrics_active_users
            segmentation.metrics.active-users | prefix.strip          | other.   | segmentation_metrics_active_users
            segmentation.metrics.             | prefix.strip          | segmentation.metrics. | segmentation_metrics_
            """)
    void oneSettingAtATime(String topic, String key, String setting, String table) {
        assertThat(transform(Map.of(key, setting)).tableName(topic)).isEqualTo(table);
    }

    @Test
    void everyCharacterOutsideTheTableAlphabetIsReplacedOnce() {
        // é is one UTF-16 unit, the emoji two; each is one character of the topic and gets one replacement.
        String topic = "caf\u00e9.\uD83D\uDE00x";

        assertThat(transform(Map.of("separator.replacement", "X", "case", "preserve")).tableName(topic))
                .isEqualTo("cafXXXx");
    }

    @Test
    void aTopicThatWouldLeaveNoNameFails() {
        SinkRecord record = record("-.-", null, null, null, map("a", 1L));

        assertThatThrownBy(() -> transform(Map.of("separator.replacement", "")).apply(record))
                .isInstanceOf(DataException.class).hasMessageContaining("'-.-'");
    }

    @Test
    void schemalessRecordIsRoutedWithEverythingElseKept() {
        Map<String, Object> key = map("metric", "active_users");
        Map<String, Object> value = map("users", 12L);
        SinkRecord record = record(TOPIC, null, key, null, value);

        SinkRecord result = transform(Map.of("prefix.strip", "segmentation.metrics.")).apply(record);

        assertThat(result.topic()).isEqualTo("active_users");
        assertThat(result.key()).isSameAs(key);
        assertThat(result.value()).isSameAs(value);
        assertThat(result.kafkaPartition()).isEqualTo(record.kafkaPartition());
        assertThat(result.timestamp()).isEqualTo(record.timestamp());
        assertThat(result.kafkaOffset()).isEqualTo(record.kafkaOffset());
    }

    @Test
    void withSchemaRecordIsRoutedWithSchemasKept() {
        Schema keySchema = SchemaBuilder.struct().field("metric", Schema.STRING_SCHEMA).build();
        Schema valueSchema = SchemaBuilder.struct().field("users", Schema.INT64_SCHEMA).build();
        Struct key = new Struct(keySchema).put("metric", "active_users");
        Struct value = new Struct(valueSchema).put("users", 12L);

        SinkRecord result = transform(Map.of("prefix.strip", "segmentation.metrics.", "case", "upper"))
                .apply(record(TOPIC, keySchema, key, valueSchema, value));

        assertThat(result.topic()).isEqualTo("ACTIVE_USERS");
        assertThat(result.keySchema()).isSameAs(keySchema);
        assertThat(result.key()).isSameAs(key);
        assertThat(result.valueSchema()).isSameAs(valueSchema);
        assertThat(result.value()).isSameAs(value);
    }

    @Test
    void tombstoneIsRoutedToo() {
        // The delete has to reach the table that holds the row.
        Map<String, Object> key = map("metric", "active_users");

        SinkRecord result = transform(Map.of("prefix.strip", "segmentation.metrics."))
                .apply(record(TOPIC, null, key, null, null));

        assertThat(result.topic()).isEqualTo("active_users");
        assertThat(result.key()).isSameAs(key);
        assertThat(result.value()).isNull();
    }

    @Test
    void nullKeyIsRoutedAndStaysNull() {
        SinkRecord result = transform(Map.of()).apply(record(TOPIC, null, null, null, map("users", 12L)));

        assertThat(result.topic()).isEqualTo("segmentation_metrics_active_users");
        assertThat(result.key()).isNull();
        assertThat(result.keySchema()).isNull();
    }
}
