package io.portrait.gateway.service;

import io.portrait.gateway.config.GatewayConfig;
import io.portrait.gateway.engine.TokenBucket;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed API-key authentications per client address, as a token bucket each (in this replica's memory): an address
 * that used its failures up is refused before its key is looked up, until the bucket refills. Successful
 * authentications cost nothing here.
 */
@ApplicationScoped
public class FailedAuthentications {

    /** Past this many addresses the full buckets are forgotten (they would change nothing). */
    private static final int MAX_ADDRESSES = 100_000;

    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final double perSecond;
    private final int burst;

    @Inject
    public FailedAuthentications(GatewayConfig config) {
        this(config.authFailures().perMinute(), config.authFailures().burst());
    }

    FailedAuthentications(int perMinute, int burst) {
        if (perMinute < 1 || burst < 1) {
            throw new IllegalArgumentException("portrait.gateway.auth-failures.per-minute and .burst must be at least 1");
        }
        this.perSecond = perMinute / 60.0;
        this.burst = burst;
    }

    /** Whole seconds until the address may try again; 0 when it may now. Counts nothing. */
    public long retryAfterSeconds(String address, long now) {
        TokenBucket bucket = buckets.get(address);
        if (bucket == null) {
            return 0;
        }
        TokenBucket.Decision decision = bucket.peek(now);
        return decision.allowed() ? 0 : Math.max(1, (decision.retryAfterNanos() + 999_999_999L) / 1_000_000_000L);
    }

    /** Counts one failed authentication of the address. */
    public void failed(String address, long now) {
        if (buckets.size() >= MAX_ADDRESSES) {
            buckets.values().removeIf(bucket -> bucket.isFull(now));
        }
        buckets.computeIfAbsent(address, ignored -> new TokenBucket(perSecond, burst, now)).take(now);
    }
}
