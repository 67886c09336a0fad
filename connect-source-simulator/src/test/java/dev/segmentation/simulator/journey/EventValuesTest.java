package dev.segmentation.simulator.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Date;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class EventValuesTest {

    @Test
    void writesIntoTheStructOnThisKafkaVersion() {
        // The fallback is correct but slower; a Kafka upgrade that changes Struct's layout should be noticed here.
        assertThat(EventValues.writesDirectly()).isTrue();
    }

    @Test
    void fieldsSetInAnyOrderEndUpWhereStructPutWouldPutThem() {
        Struct viaPut = new Struct(EventSchemas.SIGN_IN).put("event_id", "e1").put("user_id", "u0-1")
                .put("event_time", new Date(5)).put("schema_version", 1).put("session_id", "s0-1")
                .put("device", "desktop");

        Struct inOrder = new EventValues(EventSchemas.SIGN_IN).put("event_id", "e1").put("user_id", "u0-1")
                .put("event_time", new Date(5)).put("schema_version", 1).put("session_id", "s0-1")
                .put("device", "desktop").struct();
        Struct shuffled = new EventValues(EventSchemas.SIGN_IN).put("device", "desktop").put("event_time", new Date(5))
                .put("session_id", "s0-1").put("event_id", "e1").put("schema_version", 1).put("user_id", "u0-1")
                .struct();

        assertThat(inOrder).isEqualTo(viaPut);
        assertThat(shuffled).isEqualTo(viaPut);
        shuffled.validate();
    }

    @Test
    void anUnknownFieldIsRefusedByName() {
        assertThatThrownBy(() -> new EventValues(EventSchemas.SIGN_OUT).put("cart_id", "c0-1"))
                .isInstanceOf(DataException.class)
                .hasMessage("cart_id is not a field of dev.segmentation.events.SignOut");
    }
}
