package io.portrait.scoring.config;

import io.portrait.scoring.engine.value.RfmSegments;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;

@ConfigMapping(prefix = "portrait.scoring")
public interface ScoringConfig {

    /** ISO 4217 code for orders that name no currency; monetary values and CLV are in this currency. */
    @WithDefault("CNY")
    String defaultCurrency();

    /**
     * A workspace's own currency, in place of the default: {@code portrait.scoring.workspace-currency.uk-shop=GBP}
     * (quote a workspace name with dots: {@code workspace-currency."a.b"}).
     */
    Map<String, String> workspaceCurrency();

    /** Most events one ApplyEvents call may carry; a batch is one transaction, so it stays bounded. */
    @WithDefault("1000")
    int maxBatchSize();

    Refit refit();

    Clv clv();

    Rfm rfm();

    Churn churn();

    ValueTiers valueTiers();

    Engagement engagement();

    Clusters clusters();

    Push push();

    interface Refit {
        /** How often every workspace is refitted, e.g. 6h; "off" disables the schedule (on-demand refits remain). */
        @WithDefault("6h")
        String every();

        /**
         * How long a replica holds a workspace's refit lease before another may take it over. A refit renews it
         * before each page it reads and each chunk it saves, and every third of it while it fits.
         */
        @WithDefault("30m")
        Duration lease();

        /**
         * How long an on-demand refit waits for a running refit of the workspace (the schedule's, or another
         * caller's) to finish before it answers that one is running.
         */
        @WithDefault("10s")
        Duration waitForRunning();

        /**
         * Scores a refit saves per transaction. Each holds the workspace's lock shared, which the sink's merges and
         * erasures (and the event batches queued behind them) wait for: one chunk's write, not the population's.
         */
        @WithDefault("5000")
        int saveChunk();

        /**
         * Customers whose order days a refit reads per page: a page's days are held, then only their summaries. The
         * lease is renewed before each page, so a read longer than the lease keeps the workspace.
         */
        @WithDefault("5000")
        int readPage();
    }

    interface Clv {
        /** Horizon of expected purchases and CLV. */
        @WithDefault("365")
        int horizonDays();

        /** Discounting period. */
        @WithDefault("30")
        int periodDays();

        /** Profit share of revenue, 0 to 1. */
        @WithDefault("0.3")
        double margin();

        /** Yearly discount rate, e.g. 0.1 for 10 %. */
        @WithDefault("0.1")
        double annualDiscountRate();

        /** Fewest customers to fit BG/NBD and Gamma-Gamma; below it scores carry RFM but no CLV. */
        @WithDefault("20")
        int minCustomers();

        /**
         * Most likelihood evaluations one maximization of a fit may take (Hipparchus' cap); a fit that needs more
         * leaves the version not fitted, with the reason in its note.
         */
        @WithDefault("20000")
        int maxEvaluations();
    }

    interface Rfm {
        /** Segment rules, first match wins: "Name: R<from>-<to> FM<from>-<to>; ...". */
        @WithDefault(RfmSegments.DEFAULT_RULES)
        String segments();
    }

    interface Churn {
        /** P(alive) below this is high churn risk. */
        @WithDefault("0.3")
        double highBelow();

        /** P(alive) below this (and not high) is medium; the rest is low. */
        @WithDefault("0.7")
        double mediumBelow();
    }

    interface ValueTiers {
        /** CLV percentile (0 to 1) from which a customer is high-net-worth. */
        @WithDefault("0.9")
        double highNetWorthFrom();

        /** CLV percentile from which a customer is mid; below it mass. */
        @WithDefault("0.5")
        double midFrom();
    }

    interface Engagement {
        /** Days after which a purchase day counts half. */
        @WithDefault("30")
        double halfLifeDays();
    }

    interface Clusters {
        @WithDefault("2")
        int minK();

        @WithDefault("8")
        int maxK();

        /** Points the silhouette is measured on (it costs n² distances). */
        @WithDefault("2000")
        int silhouetteSample();

        @WithDefault("42")
        long seed();
    }

    interface Push {
        /** Scores per PutModelScores call. */
        @WithDefault("500")
        int batchSize();

        /** Deadline of each PutModelScores call. */
        @WithDefault("10s")
        Duration deadline();
    }
}
