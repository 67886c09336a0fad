package dev.segmentation.window;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Input events as the simulator's AvroConverter writes them, built by hand from the documented schema so that
 * the tests do not depend on the simulator's code.
 */
final class TestEvents {

    static final Schema USER_REGISTRATION = new Schema.Parser().parse("""
            {"type": "record", "name": "UserRegistration", "namespace": "dev.segmentation.events", "fields": [
              {"name": "event_id", "type": "string"},
              {"name": "user_id", "type": "string"},
              {"name": "event_time", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "schema_version", "type": "int"},
              {"name": "age", "type": "int"},
              {"name": "email_masked", "type": "string"},
              {"name": "email_domain", "type": "string"},
              {"name": "preferred_language", "type": "string"},
              {"name": "country", "type": "string"},
              {"name": "acquisition_channel", "type": "string"},
              {"name": "device", "type": "string"}
            ]}""");

    private TestEvents() {
    }

    /** A registration; the record timestamp is the event time. */
    record Registration(String userId, long eventTimeMs, int age, String language, String domain) {

        GenericRecord toAvro() {
            GenericRecord record = new GenericData.Record(USER_REGISTRATION);
            record.put("event_id", "e-" + userId);
            record.put("user_id", userId);
            record.put("event_time", eventTimeMs);
            record.put("schema_version", 1);
            record.put("age", age);
            record.put("email_masked", "x***@" + domain);
            record.put("email_domain", domain);
            record.put("preferred_language", language);
            record.put("country", "DE");
            record.put("acquisition_channel", "referral");
            record.put("device", "desktop");
            return record;
        }
    }
}
