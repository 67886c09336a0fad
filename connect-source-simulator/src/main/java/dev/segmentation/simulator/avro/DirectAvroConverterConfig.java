package dev.segmentation.simulator.avro;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Configuration of the {@link DirectAvroConverter}, given as {@code value.converter.*} (or {@code key.converter.*})
 * keys. The names are those of Confluent's converter, so a config moves from one to the other unchanged.
 */
public final class DirectAvroConverterConfig extends AbstractConfig {

    private static final String GROUP = "Schema registry";

    public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
    private static final String SCHEMA_REGISTRY_URL_DOC = "Comma-separated URLs of a Confluent-compatible schema "
            + "registry (Confluent Schema Registry, Apicurio's ccompat API, Karapace, ...), tried in turn.";

    public static final String AUTO_REGISTER_SCHEMAS_CONFIG = "auto.register.schemas";
    private static final String AUTO_REGISTER_SCHEMAS_DOC = "Whether to register each record schema under its "
            + "subject (<topic>-value or <topic>-key). When false the subject must already hold the schema, and a "
            + "record whose schema it lacks fails the task with the subject and schema in the message.";
    public static final boolean AUTO_REGISTER_SCHEMAS_DEFAULT = true;

    public static final String BASIC_AUTH_USER_INFO_CONFIG = "basic.auth.user.info";
    private static final String BASIC_AUTH_USER_INFO_DOC = "Credentials for the registry's HTTP basic "
            + "authentication, as user:password; best given through a config provider (${file:...} or ${env:...}). "
            + "Empty means no authentication.";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(SCHEMA_REGISTRY_URL_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, new HttpUrls(),
                    Importance.HIGH, SCHEMA_REGISTRY_URL_DOC, GROUP, 1, Width.LONG, "Registry URLs")
            .define(AUTO_REGISTER_SCHEMAS_CONFIG, Type.BOOLEAN, AUTO_REGISTER_SCHEMAS_DEFAULT, Importance.MEDIUM,
                    AUTO_REGISTER_SCHEMAS_DOC, GROUP, 2, Width.SHORT, "Register schemas")
            .define(BASIC_AUTH_USER_INFO_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, BASIC_AUTH_USER_INFO_DOC,
                    GROUP, 3, Width.MEDIUM, "Registry credentials");

    public DirectAvroConverterConfig(Map<?, ?> originals) {
        super(CONFIG_DEF, originals, false);
    }

    public List<String> schemaRegistryUrls() {
        return getList(SCHEMA_REGISTRY_URL_CONFIG);
    }

    public boolean autoRegisterSchemas() {
        return getBoolean(AUTO_REGISTER_SCHEMAS_CONFIG);
    }

    /** {@code user:password}, or null when the registry needs no authentication. */
    public String basicAuthUserInfo() {
        Password password = getPassword(BASIC_AUTH_USER_INFO_CONFIG);
        return password == null || password.value().isEmpty() ? null : password.value();
    }

    /** At least one URL, each absolute http or https. */
    private static final class HttpUrls implements ConfigDef.Validator {

        @Override
        public void ensureValid(String name, Object value) {
            List<?> urls = (List<?>) value;
            if (urls == null || urls.isEmpty()) {
                throw new ConfigException(name, value, "Give at least one registry URL, e.g. http://registry:8081");
            }
            for (Object url : urls) {
                URI uri;
                try {
                    uri = URI.create(url.toString());
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, url, "Not a URL: " + e.getMessage());
                }
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw new ConfigException(name, url, "Give an http:// or https:// URL with a host, e.g. "
                            + "http://registry:8081");
                }
            }
        }

        @Override
        public String toString() {
            return "http or https URLs";
        }
    }
}
