package io.portrait.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "portrait.gateway")
public interface GatewayConfig {

    /** Most events one POST /v1/events may carry. */
    @WithDefault("2500")
    int maxBatchEvents();

    /** Largest single event of a batch, as JSON, in bytes. */
    @WithDefault("32768")
    int maxEventBytes();

    /**
     * Largest request body, but for uploads (an import chunk, a catalog import), which may reach
     * {@code quarkus.http.limits.max-body-size}; see {@code RequestSizeFilter}.
     */
    @WithDefault("1M")
    io.quarkus.runtime.configuration.MemorySize maxBodySize();

    /** Largest request body of POST /v1/events, in bytes. */
    @WithDefault("512000")
    int maxBatchBytes();

    /** Deadline of each call to a service; above the ingestion wait timeout so wait=true can finish. */
    @WithDefault("30s")
    Duration callDeadline();

    /**
     * Deadline of each part of a profile view (tags, scores, features, purchases, recommendations): a part later
     * than this is left out and the view marked degraded, so one slow service never holds the view up. The view
     * stops waiting; the call itself runs on (up to {@link #profileDeadline()}) and its late answer is dropped.
     * Cancelling it would reset its HTTP/2 stream; while late parts were cancelled, the services were seen to close
     * whole connections ({@code GOAWAY}, {@code PROTOCOL_ERROR}), failing every other call on them, and without the
     * cancels that all but stopped (see the benchmarks' profile view, sixth round).
     */
    @WithDefault("300ms")
    Duration profilePartDeadline();

    /** Deadline of reading a profile from identity, the part without which there is no view. */
    @WithDefault("10s")
    Duration profileDeadline();

    /** The operator's workspace: its key admins may create keys for other workspaces. */
    @WithDefault("default")
    String defaultWorkspace();

    /**
     * An API key token ({@code ptk_...}) that the gateway keeps as an admin key of the default workspace holding
     * every scope: how an operator gets the first key. Unset, no key is made.
     */
    Optional<String> adminKey();

    /** How long a verified key is trusted before it is read again; bounds how late another replica sees a revoke. */
    @WithDefault("5s")
    Duration keyCacheTtl();

    RateLimit rateLimit();

    AuthFailures authFailures();

    Erasure erasure();

    Destinations destinations();

    SegmentCompat segmentCompat();

    /** The Segment-compatible intake under {@code /compat/segment} (see docs/api.md). */
    interface SegmentCompat {
        /**
         * The channel of a message whose {@code context.library.name} is none of Segment's app or browser
         * libraries, i.e. of every server-side SDK: one of Portrait's channels, checked at start.
         */
        @WithDefault("web")
        String defaultChannel();

        /** The {@code source} of the events it takes: with their messageId, what makes a retry a duplicate. */
        @WithDefault("segment-compat")
        String source();
    }

    /** Webhook destinations: how segment changes are pushed (see docs/segments.md). */
    interface Destinations {
        /** How often a caught-up destination looks for new changes. */
        @WithDefault("5s")
        Duration pollInterval();

        /** Changes per call, at most. */
        @WithDefault("100")
        int batchSize();

        /** Calls one destination and segment may make in one round while the log has more. */
        @WithDefault("10")
        int callsPerRound();

        /** How long a receiver has to answer one call. */
        @WithDefault("10s")
        Duration timeout();

        /** The wait after a failed call, doubling with each failure in a row up to {@link #maxBackoff()}. */
        @WithDefault("10s")
        Duration retryInterval();

        @WithDefault("10m")
        Duration maxBackoff();

        /** How long a round holds a destination and segment before another replica may take it over. */
        @WithDefault("2m")
        Duration attemptLease();

        /** Whether a destination may be a plain http URL (never in production: the calls carry profile ids). */
        @WithDefault("false")
        boolean allowHttp();

        /**
         * Whether a destination may resolve to a loopback, private or link-local address. Off, such URLs are refused
         * when saved and before every call, so a destination cannot reach the deployment's own network.
         */
        @WithDefault("false")
        boolean allowPrivateNetworks();
    }

    interface Erasure {
        /** How often pending erasures are retried, and the first backoff. */
        @WithDefault("10s")
        Duration retryInterval();

        /** The longest wait between two tries of one erasure. */
        @WithDefault("10m")
        Duration maxBackoff();

        /**
         * How long a try holds an erasure before another replica (or this one's next round) may try it again: longer
         * than a try takes (identity's erase, then ingestion and each sink per erased id, each with its deadline).
         */
        @WithDefault("5m")
        Duration attemptLease();
    }

    /**
     * Failed API-key authentications per client address: each costs a key lookup, so one address guessing keys
     * is answered 429 once it has used these up, before any lookup.
     */
    interface AuthFailures {
        /** Failures an address may make per minute (refill rate). */
        @WithDefault("60")
        int perMinute();

        /** Failures an address may make at once after a quiet spell (bucket size). */
        @WithDefault("20")
        int burst();
    }

    interface RateLimit {
        /** Requests per second per key (token refill rate) unless the key has its own. */
        @WithDefault("200")
        int requestsPerSecond();

        /** How many requests a key may send at once after a quiet spell (bucket size), as seconds of its rate. */
        @WithDefault("2")
        int burstSeconds();
    }
}
