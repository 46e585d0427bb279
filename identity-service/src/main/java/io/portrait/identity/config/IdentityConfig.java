package io.portrait.identity.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "portrait.identity")
public interface IdentityConfig {

    /** Region assumed for phone numbers written without a country code; must match ingestion's. */
    @WithDefault("CN")
    String defaultRegion();

    Resolve resolve();

    interface Resolve {

        /** Transactions tried per sighting before the call answers UNAVAILABLE. */
        @WithDefault("10")
        int maxAttempts();

        /** Pause before the first retry; it doubles per attempt and is randomized so colliding replicas spread out. */
        @WithDefault("5ms")
        Duration retryBackoff();

        @WithDefault("200ms")
        Duration maxRetryBackoff();
    }
}
