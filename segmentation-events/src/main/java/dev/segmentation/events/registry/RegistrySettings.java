package dev.segmentation.events.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Where the schema registry is and how to sign in to it.
 *
 * @param urls              base URLs of one registry, tried in turn until one answers
 * @param basicAuthUserInfo {@code user:password} for HTTP basic authentication, or null
 * @param bearerToken       a token for bearer authentication (as OAuth gives), or null
 */
public record RegistrySettings(List<String> urls, String basicAuthUserInfo, String bearerToken) {

    public RegistrySettings {
        urls = List.copyOf(urls);
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("Give at least one schema registry URL");
        }
        if (basicAuthUserInfo != null && bearerToken != null) {
            throw new IllegalArgumentException("Give either basic-auth credentials or a bearer token for the "
                    + "schema registry, not both");
        }
    }

    /** One URL, no authentication: a local registry. */
    public static RegistrySettings of(String url) {
        return new RegistrySettings(List.of(url), null, null);
    }

    /** The value of the {@code Authorization} header, or null for none. */
    String authorization() {
        if (basicAuthUserInfo != null) {
            return "Basic " + Base64.getEncoder().encodeToString(basicAuthUserInfo.getBytes(StandardCharsets.UTF_8));
        }
        return bearerToken == null ? null : "Bearer " + bearerToken;
    }

    /** Credentials stay out of logs and messages. */
    @Override
    public String toString() {
        return "RegistrySettings[urls=" + urls + ", auth=" + (basicAuthUserInfo != null ? "basic"
                : bearerToken != null ? "bearer" : "none") + "]";
    }
}
