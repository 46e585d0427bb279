package io.portrait.gateway.config;

import io.smallrye.config.ConfigMapping;

/**
 * The deployment's keys for data at rest, the same as identity's and ingestion's; the gateway seals its webhook
 * destinations' signing secrets with them. No defaults, so production cannot start without real ones.
 */
@ConfigMapping(prefix = "portrait.pii")
public interface PiiConfig {

    /** Base64, 32 bytes. */
    String hashKey();

    /** Base64, 32 bytes: the AES-GCM key the secrets are sealed with. */
    String encryptionKey();
}
