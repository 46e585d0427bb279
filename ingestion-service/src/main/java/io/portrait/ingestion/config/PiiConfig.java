package io.portrait.ingestion.config;

import io.smallrye.config.ConfigMapping;

/** The keys that protect identifier values and PII at rest; the same keys identity uses (Base64, 32 bytes each). */
@ConfigMapping(prefix = "portrait.pii")
public interface PiiConfig {

    /** HMAC-SHA256 key of the lookup hashes. */
    String hashKey();

    /** AES-256-GCM key of the stored ciphertexts. */
    String encryptionKey();
}
