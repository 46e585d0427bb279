package io.portrait.gateway.service;

import io.portrait.gateway.config.GatewayConfig;
import io.portrait.gateway.engine.TokenBucket;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One token bucket per caller (API key or JWT subject), in this replica's memory: N replicas let a key through at
 * up to N times its rate, which the operations guide states.
 */
@ApplicationScoped
public class RateLimiter {

    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final GatewayConfig.RateLimit config;

    public RateLimiter(GatewayConfig config) {
        this.config = config.rateLimit();
    }

    /** Takes a token for the caller; {@code ownRate} is the caller's own requests per second, or null. */
    public TokenBucket.Decision take(String actor, Integer ownRate) {
        int rate = ownRate == null ? config.requestsPerSecond() : ownRate;
        long now = System.nanoTime();
        TokenBucket bucket = buckets.computeIfAbsent(actor + "@" + rate,
                ignored -> new TokenBucket(rate, Math.max(1, (double) rate * config.burstSeconds()), now));
        return bucket.take(now);
    }

    public int defaultRate() {
        return config.requestsPerSecond();
    }
}
