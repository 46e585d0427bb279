package io.portrait.tagging.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "portrait.tagging")
public interface TaggingConfig {

    /** Most events one ApplyEvents call may carry; a batch is one transaction, so it stays bounded. */
    @WithDefault("1000")
    int maxBatchSize();
}
