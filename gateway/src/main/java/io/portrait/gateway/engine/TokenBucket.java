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
        refill(now);
        if (tokens >= 1) {
            tokens -= 1;
            return new Decision(true, 0, tokens);
        }
        return refused();
    }

    /** Gives back a token taken for something that turned out not to count (up to the capacity). */
    public synchronized void refund() {
        tokens = Math.min(capacity, tokens + 1);
    }

    /** What {@link #take} would decide, without taking a token. */
    public synchronized Decision peek(long now) {
        refill(now);
        return tokens >= 1 ? new Decision(true, 0, tokens) : refused();
    }

    /** Whether the bucket is full again, so that forgetting it changes nothing. */
    public synchronized boolean isFull(long now) {
        refill(now);
        return tokens >= capacity;
    }

    private void refill(long now) {
        if (now > updatedAt) {
            tokens = Math.min(capacity, tokens + (now - updatedAt) * tokensPerNano);
            updatedAt = now;
        }
    }

    private Decision refused() {
        return new Decision(false, (long) Math.ceil((1 - tokens) / tokensPerNano), tokens);
    }
}
