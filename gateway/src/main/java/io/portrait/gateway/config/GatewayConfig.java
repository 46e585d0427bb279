package io.portrait.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "portrait.gateway")
public interface GatewayConfig {

    /** Most events one POST /v1/events may carry. */
    @WithDefault("2500")
    int maxBatchEvents();

    /** Largest single event of a batch, as JSON, in bytes. */
    @WithDefault("32768")
    int maxEventBytes();

    /** Largest request body of POST /v1/events, in bytes. */
    @WithDefault("512000")
    int maxBatchBytes();

    /** Deadline of each call to a service; above the ingestion wait timeout so wait=true can finish. */
    @WithDefault("30s")
    Duration callDeadline();

    /** Workspace of callers until credentials carry one. */
    @WithDefault("default")
    String defaultWorkspace();
}
