package dev.segmentation.avro;

import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

import dev.segmentation.events.registry.RegistryConfig;

/**
 * Configuration of the {@link DirectAvroConverter}, given as {@code value.converter.*} (or {@code key.converter.*})
 * keys. The names are those of Confluent's converter, so a config moves from one to the other unchanged; the
 * registry's own keys ({@link RegistryConfig}) are shared with the Streams stage.
 */
public final class DirectAvroConverterConfig extends AbstractConfig {

    private static final String GROUP = "Schema registry";

    public static final String AUTO_REGISTER_SCHEMAS_CONFIG = "auto.register.schemas";
    private static final String AUTO_REGISTER_SCHEMAS_DOC = "Whether to register each record schema under its "
            + "subject (<topic>-value or <topic>-key). When false the subject must already hold the schema, and a "
            + "record whose schema it lacks fails the task with the subject and schema in the message.";
    public static final boolean AUTO_REGISTER_SCHEMAS_DEFAULT = true;

    public static final ConfigDef CONFIG_DEF = define();

    public DirectAvroConverterConfig(Map<?, ?> originals) {
        super(CONFIG_DEF, originals, false);
    }

    public boolean autoRegisterSchemas() {
        return getBoolean(AUTO_REGISTER_SCHEMAS_CONFIG);
    }

    private static ConfigDef define() {
        ConfigDef def = new ConfigDef();
        int order = RegistryConfig.define(def, GROUP, 1);
        return def.define(AUTO_REGISTER_SCHEMAS_CONFIG, Type.BOOLEAN, AUTO_REGISTER_SCHEMAS_DEFAULT,
                Importance.MEDIUM, AUTO_REGISTER_SCHEMAS_DOC, GROUP, order, Width.SHORT, "Register schemas");
    }
}
