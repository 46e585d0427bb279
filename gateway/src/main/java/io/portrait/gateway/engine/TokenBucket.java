package io.portrait.gateway.engine;

/**
 * A token bucket: holds up to {@code capacity} tokens, refilled at {@code ratePerSecond}; each request takes one.
 * Time is passed in (nanoseconds from any fixed origin) so the arithmetic is testable without a clock.
 */
public final class TokenBucket {

    /** Whether the request may go on, and if not, how long until a token is there again. */
    public record Decision(boolean allowed, long retryAfterNanos, double remaining) {
    }

    private final double capacity;
    private final double tokensPerNano;
    private double tokens;
    private long updatedAt;

    public TokenBucket(double ratePerSecond, double capacity, long now) {
        if (ratePerSecond <= 0 || capacity < 1) {
            throw new IllegalArgumentException("rate must be positive and capacity at least 1");
        }
        this.capacity = capacity;
        this.tokensPerNano = ratePerSecond / 1_000_000_000d;
        this.tokens = capacity;
        this.updatedAt = now;
    }

    public synchronized Decision take(long now) {
        if (now > updatedAt) {
            tokens = Math.min(capacity, tokens + (now - updatedAt) * tokensPerNano);
            updatedAt = now;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return new Decision(true, 0, tokens);
        }
        long wait = (long) Math.ceil((1 - tokens) / tokensPerNano);
        return new Decision(false, wait, tokens);
    }
}
