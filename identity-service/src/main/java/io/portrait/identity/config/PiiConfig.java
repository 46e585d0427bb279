package io.portrait.identity.config;

import io.smallrye.config.ConfigMapping;

/** Keys protecting identifier values at rest; no defaults, so production cannot start without real ones. */
@ConfigMapping(prefix = "portrait.pii")
public interface PiiConfig {

    /** Base64, 32 bytes. Keys the match hashes: changing it makes every stored identifier unfindable. */
    String hashKey();

    /** Base64, 32 bytes. AES-GCM key for the stored identifier values. */
    String encryptionKey();
}
