package dev.segmentation.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.avro.Schema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EventSchemaFilesTest {

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everyEventHasAValidDocumentedSchemaNamedAfterItsType(EventType type) {
        Schema schema = new Schema.Parser().parse(EventSchemaFiles.json(type));

        assertThat(schema.getFullName()).isEqualTo(EventSchemaFiles.NAMESPACE + "." + type.recordName());
        assertThat(schema.getDoc()).isNotBlank();
        assertThat(schema.getFields()).allSatisfy(field -> assertThat(field.doc()).as(field.name()).isNotBlank());
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everyEventStartsWithTheFieldsAllEventsShare(EventType type) {
        Schema schema = new Schema.Parser().parse(EventSchemaFiles.json(type));

        assertThat(schema.getFields().subList(0, 4)).extracting(Schema.Field::name)
                .isEqualTo(List.of("event_id", "user_id", "event_time", "schema_version"));
        assertThat(schema.getField("event_time").schema().getLogicalType().getName()).isEqualTo("timestamp-millis");
    }
}
