package io.portrait.scoring.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "portrait.scoring")
public interface ScoringConfig {

    /** ISO 4217 code for orders that name no currency. */
    @WithDefault("CNY")
    String defaultCurrency();

    /** Most events one ApplyEvents call may carry; a batch is one transaction, so it stays bounded. */
    @WithDefault("1000")
    int maxBatchSize();
}
