package io.portrait.tagging.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "portrait.tagging")
public interface TaggingConfig {

    /** Most events one ApplyEvents call may carry; a batch is one transaction, so it stays bounded. */
    @WithDefault("1000")
    int maxBatchSize();

    /** Profiles per transaction of a full recompute. */
    @WithDefault("500")
    int recomputePageSize();

    /**
     * Pages of one recompute pass computed at the same time, each in its own transaction on its own connection
     * (1: one page after the other). Bounded by the datasource's pool; the store does most of a page's work, so
     * concurrent pages keep its cores busy while one page waits for its writes.
     */
    @WithDefault("2")
    int recomputeConcurrency();

    /** How long events are kept for windowed tags; rules may look back at most this far. */
    @WithDefault("P400D")
    Duration eventRetention();

    /** When the daily refresh of time-window tags runs (Quartz-style cron, server time zone). */
    @WithDefault("0 30 2 * * ?")
    String dailyRefreshCron();

    /** Most values one ListTagValues or segment page returns. */
    @WithDefault("1000")
    int maxPageSize();

    /**
     * How long a replica holds a recompute job without committing a page; past it another replica takes the job
     * over from its last checkpoint. Longer than the slowest page.
     */
    @WithDefault("PT60S")
    Duration jobLease();

    /** How often a replica looks for jobs to take over or waiting for room (a Quarkus duration, or {@code off}). */
    @WithDefault("5s")
    String jobPollInterval();

    /** Most recompute jobs one replica runs at a time. */
    @WithDefault("2")
    int maxRunningJobs();

    /**
     * How long a replica waits after a publish before claiming jobs, so that a burst of publishes (or a script
     * publishing a whole taxonomy) is computed in one pass over the profiles rather than one pass per version.
     */
    @WithDefault("PT2S")
    Duration jobStartDelay();

    /**
     * How long a replica serves the tag definitions it read before reading them again. Changes made through this
     * replica are served at once; this bounds how long one made through another replica takes. {@code PT0S} reads
     * them on every profile read.
     */
    @WithDefault("PT5S")
    Duration definitionCacheTtl();

    /**
     * Known profiles one transaction of a segment refresh goes through. Each chunk takes the workspace lock on its
     * own, so merges and erasures (and the event batches queued behind them) wait for one chunk, not for the refresh
     * of a whole segment.
     */
    @WithDefault("10000")
    int segmentRefreshChunk();

    /** This replica's name in job leases; by default the host name plus a random suffix. */
    Optional<String> replicaId();
}
