package io.portrait.ingestion.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

@ConfigMapping(prefix = "portrait.ingestion")
public interface IngestionConfig {

    /** Most events one IngestEvents call may carry; the gateway bounds the bytes. */
    @WithDefault("2500")
    int maxBatchEvents();

    /** Region assumed for phone numbers written without a country code; identity uses the same. */
    @WithDefault("CN")
    String defaultRegion();

    /** Largest event, serialized, that is accepted; the gateway applies the same bound to its JSON. */
    @WithDefault("32768")
    int maxEventBytes();

    /** ISO 4217 currency of amounts sent without one. */
    @WithDefault("CNY")
    String defaultCurrency();

    /**
     * A workspace's own currency for amounts sent without one, in place of the default:
     * {@code portrait.ingestion.workspace-currency.uk-shop=GBP} (quote a workspace name with dots).
     */
    Map<String, String> workspaceCurrency();

    /**
     * Extra identifier values (regular expressions, matched against the whole value) that are placeholders and
     * never used for matching, on top of the built-in ones ({@code null}, {@code anonymous}, all zeros, ...).
     */
    Optional<List<String>> blockedIdentifierPatterns();

    /** Event timestamps further than this in the future are clamped to the receive time. */
    @WithDefault("10m")
    Duration maxFutureSkew();

    /** How long wait_until_applied waits when the request does not say. */
    @WithDefault("10s")
    Duration waitTimeout();

    /** How often the worker and the relays look for work nobody signalled (other replicas, expired leases). */
    @WithDefault("200ms")
    Duration pollInterval();

    /**
     * How far an idle worker or relay stretches its poll interval: each look that finds nothing doubles the wait
     * up to this; a signal or found work brings it back. Bounds how late unsignalled work (another replica's, an
     * expired lease) is picked up by an idle replica.
     */
    @WithDefault("2s")
    Duration maxPollInterval();

    /** How long a claimed batch stays reserved for one worker; it is taken over after that. */
    @WithDefault("30s")
    Duration lease();

    /** Names of the sinks; each is a gRPC client of the same name implementing EventSink. */
    @WithDefault("tagging,scoring,recommendation")
    List<String> sinks();

    /** Deadline of each call to identity or a sink; kept below the lease so a hung call ends before a takeover. */
    @WithDefault("20s")
    Duration callDeadline();

    Resolve resolve();

    GraphChanges graphChanges();

    Relay relay();

    Retry retry();

    Lists lists();

    Imports imports();

    interface Imports {
        /** Rows handed to ingestion at once; also the checkpoint interval. */
        @WithDefault("500")
        int batchSize();

        /** How often an idle worker looks for queued jobs (and jobs whose worker died). */
        @WithDefault("1s")
        Duration pollInterval();

        /** Largest page of the reject report. */
        @WithDefault("5000")
        int maxRejectPage();

        /**
         * An upload that receives no chunk for this long and is not completed is abandoned: the job fails and its
         * stored chunks are dropped. Looked for every tenth of it, at least once a minute.
         */
        @WithDefault("24h")
        Duration uploadExpiry();

        /**
         * Largest workbook imported, xlsx or xls: a zip is read from its end and an OLE2 file from the directory it
         * points to anywhere, so the worker holds the whole workbook in memory (with an xlsx's unpacked parts, an
         * xls's chosen worksheet as rows) while it reads it; a larger one fails its job, asking for CSV instead.
         */
        @WithDefault("64M")
        MemorySize maxXlsxSize();
    }

    interface Lists {
        /** Page size of list calls that name none. */
        @WithDefault("50")
        int defaultPageSize();

        /** Largest page a list call may ask for. */
        @WithDefault("500")
        int maxPageSize();
    }

    interface Resolve {
        /** Pending events resolved per Resolve call. */
        @WithDefault("200")
        int batchSize();

        /**
         * How often pending events that are not in the resolve queue are looked for and queued (a request that failed
         * between storing its events and queueing them); also done once at start.
         */
        @WithDefault("5m")
        Duration requeueInterval();
    }

    interface GraphChanges {
        /** How often identity is asked for graph changes made outside Resolve (an accepted review pair). */
        @WithDefault("1s")
        Duration pollInterval();

        /** Changes read per round. */
        @WithDefault("100")
        int batchSize();
    }

    interface Relay {
        /** Outbox entries claimed per sink and round. */
        @WithDefault("200")
        int batchSize();
    }

    interface Retry {
        /** Delay before the first retry; it doubles with every failed attempt. */
        @WithDefault("200ms")
        Duration initial();

        /** Longest delay between two attempts. */
        @WithDefault("30s")
        Duration max();

        /** Failed deliveries after which an outbox entry is dead-lettered. */
        @WithDefault("20")
        int maxAttempts();
    }
}
