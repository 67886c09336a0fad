package dev.segmentation.events.registry;

import java.net.URI;
import java.util.List;
import java.util.function.Predicate;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The registry settings every component takes, under the names Confluent's serializers and converters use, so that a
 * config moves between them unchanged: {@value #URL_CONFIG}, {@value #BASIC_AUTH_USER_INFO_CONFIG} and
 * {@value #BEARER_AUTH_TOKEN_CONFIG}.
 */
public final class RegistryConfig {

    public static final String URL_CONFIG = "schema.registry.url";
    private static final String URL_DOC = "Comma-separated URLs of one Confluent-compatible schema registry "
            + "(Confluent Schema Registry or Cloud, Apicurio's ccompat API, Karapace, Redpanda, ...), tried in turn.";

    public static final String BASIC_AUTH_USER_INFO_CONFIG = "basic.auth.user.info";
    private static final String BASIC_AUTH_USER_INFO_DOC = "Credentials for the registry's HTTP basic "
            + "authentication, as user:password (on Confluent Cloud, API key:secret); best given through a config "
            + "provider (${file:...} or ${env:...}). Empty means none.";

    public static final String BEARER_AUTH_TOKEN_CONFIG = "bearer.auth.token";
    private static final String BEARER_AUTH_TOKEN_DOC = "A token sent as 'Authorization: Bearer <token>' to the "
            + "registry, for registries behind OAuth; best given through a config provider. Empty means none. Give "
            + "this or " + BASIC_AUTH_USER_INFO_CONFIG + ", not both.";

    private RegistryConfig() {
    }

    /**
     * Adds the registry settings to a component's config definition, in the given group from the given position.
     *
     * @return the next free position in the group
     */
    public static int define(ConfigDef def, String group, int firstOrder) {
        int order = firstOrder;
        def.define(URL_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, new HttpUrls(), Importance.HIGH, URL_DOC,
                        group, order++, Width.LONG, "Registry URLs")
                .define(BASIC_AUTH_USER_INFO_CONFIG, Type.PASSWORD, null, Credentials.USER_INFO, Importance.MEDIUM,
                        BASIC_AUTH_USER_INFO_DOC, group, order++, Width.MEDIUM, "Registry basic-auth credentials")
                .define(BEARER_AUTH_TOKEN_CONFIG, Type.PASSWORD, null, Credentials.TOKEN, Importance.MEDIUM,
                        BEARER_AUTH_TOKEN_DOC, group, order++, Width.MEDIUM, "Registry bearer token");
        return order;
    }

    /**
     * The settings of a config defined with {@link #define}.
     *
     * @throws ConfigException when both kinds of credentials are given
     */
    public static RegistrySettings settings(AbstractConfig config) {
        try {
            return new RegistrySettings(config.getList(URL_CONFIG),
                    secret(config.getPassword(BASIC_AUTH_USER_INFO_CONFIG)),
                    secret(config.getPassword(BEARER_AUTH_TOKEN_CONFIG)));
        } catch (IllegalArgumentException e) {
            // RegistrySettings refuses both kinds of credentials at once (the URLs are validated already); here
            // the message names the keys to mend.
            throw new ConfigException(BEARER_AUTH_TOKEN_CONFIG + " and " + BASIC_AUTH_USER_INFO_CONFIG + " are both "
                    + "set; the registry takes one kind of credentials: clear one of them.");
        }
    }

    private static String secret(Password password) {
        return password == null || password.value().isEmpty() ? null : password.value();
    }

    /** At least one URL, each absolute http or https with a host. */
    static final class HttpUrls implements ConfigDef.Validator {

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

    /** Credentials of a given shape, or empty; the message never repeats the value, which is a secret. */
    private record Credentials(String description, Predicate<String> wellFormed, String fix)
            implements ConfigDef.Validator {

        static final Credentials USER_INFO = new Credentials("user:password, or empty",
                text -> text.indexOf(':') > 0 && text.chars().noneMatch(Character::isWhitespace),
                "must be user:password (on Confluent Cloud, API key:secret), without spaces, or empty for none");
        static final Credentials TOKEN = new Credentials("a token without spaces, or empty",
                text -> text.chars().noneMatch(Character::isWhitespace),
                "must be the bare token, without 'Bearer ' or spaces, or empty for none");

        @Override
        public void ensureValid(String name, Object value) {
            String text = value == null ? "" : ((Password) value).value();
            if (!text.isEmpty() && !wellFormed.test(text)) {
                throw new ConfigException(name + " " + fix);
            }
        }

        @Override
        public String toString() {
            return description;
        }
    }
}
