package dev.segmentation.simulator.journey;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills the struct of a simulated event without Connect's check of every value.
 *
 * <p>{@link Struct#put(String, Object)} validates each value against its field's schema, and Kafka 4.3 first
 * builds the text of the error it would throw: that was a third of the time the simulator took to build an event.
 * The simulator's values have their fields' types by construction, and {@code JourneyInvariantsTest} validates
 * every kind of event, so the check finds nothing here. This class writes into the struct's value array instead.
 * Should a Kafka version lay {@code Struct} out differently, it falls back to {@code put}, which is slower and
 * otherwise the same, and says so once in the worker's log; {@code EventValuesTest} fails on such a version, so the
 * upgrade is noticed here first.
 */
final class EventValues {

    private static final Logger log = LoggerFactory.getLogger(EventValues.class);
    private static final VarHandle STRUCT_VALUES = structValues();

    private final Struct struct;
    private final Object[] values;
    private final List<Field> fields;
    /** The position after the field set last: fields set in schema order are found without a lookup by name. */
    private int next;

    EventValues(Schema schema) {
        this.struct = new Struct(schema);
        this.values = STRUCT_VALUES == null ? null : (Object[]) STRUCT_VALUES.get(struct);
        this.fields = schema.fields();
    }

    /** Whether values go straight into the struct: false only on a Kafka version whose {@code Struct} differs. */
    static boolean writesDirectly() {
        return STRUCT_VALUES != null;
    }

    /**
     * Sets a field.
     *
     * @throws DataException if the schema has no such field
     */
    EventValues put(String name, Object value) {
        Field field = next < fields.size() ? fields.get(next) : null;
        if (field == null || !field.name().equals(name)) {
            field = struct.schema().field(name);
            if (field == null) {
                throw new DataException(name + " is not a field of " + struct.schema().name());
            }
        }
        next = field.index() + 1;
        if (values == null) {
            struct.put(field, value);
        } else {
            values[field.index()] = value;
        }
        return this;
    }

    Struct struct() {
        return struct;
    }

    private static VarHandle structValues() {
        try {
            return MethodHandles.privateLookupIn(Struct.class, MethodHandles.lookup())
                    .findVarHandle(Struct.class, "values", Object[].class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("This Kafka version's Struct has no values array to write into ({}); the simulator fills its "
                    + "events through Struct.put, which is correct and slower", e.toString());
            return null;
        }
    }
}
