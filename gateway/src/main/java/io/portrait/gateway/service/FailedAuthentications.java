package io.portrait.gateway.service;

import io.portrait.gateway.config.GatewayConfig;
import io.portrait.gateway.engine.TokenBucket;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed API-key authentications per client address, as a token bucket each (in this replica's memory): an address
 * that used its failures up is refused before its key is looked up, until the bucket refills. Every attempt takes a
 * token before the lookup and a successful one gives it back, so successful authentications cost nothing here and
 * concurrent guesses cannot slip past.
 */
@ApplicationScoped
public class FailedAuthentications {

    /** Past this many addresses the full buckets are forgotten (they would change nothing). */
    private static final int MAX_ADDRESSES = 100_000;

    /** At most one sweep of the full buckets a second, however many failures come once the map is full. */
    private static final long PURGE_EVERY_NANOS = 1_000_000_000L;

    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private volatile long purgedAt = Long.MIN_VALUE / 2;
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

    /**
     * Takes a token for an authentication from the address before its key is looked up (so requests in flight at
     * once each need one); answers 0 when it may go on, else the whole seconds until it may try again.
     * {@link #succeeded} gives the token back.
     */
    public long attempt(String address, long now) {
        String client = client(address);
        if (buckets.size() >= MAX_ADDRESSES && now - purgedAt >= PURGE_EVERY_NANOS) {
            purgedAt = now;
            buckets.values().removeIf(bucket -> bucket.isFull(now));
        }
        TokenBucket.Decision decision = buckets.computeIfAbsent(client,
                ignored -> new TokenBucket(perSecond, burst, now)).take(now);
        return decision.allowed() ? 0 : Math.max(1, (decision.retryAfterNanos() + 999_999_999L) / 1_000_000_000L);
    }

    /** The authentication succeeded: it does not count against the address. */
    public void succeeded(String address) {
        TokenBucket bucket = buckets.get(client(address));
        if (bucket != null) {
            bucket.refund();
        }
    }

    /**
     * Whom the buckets count: an IPv4 address, or an IPv6 address's /64 (one client is given a whole /64, and
     * could otherwise change address for every guess).
     */
    static String client(String address) {
        if (address == null || address.indexOf(':') < 0) {
            return address; // IPv4 (or no address): as it is; never a name to look up
        }
        try {
            InetAddress parsed = InetAddress.getByName(address);
            return parsed instanceof Inet6Address
                    ? HexFormat.of().formatHex(parsed.getAddress(), 0, 8) + "::/64" : parsed.getHostAddress();
        } catch (UnknownHostException e) {
            return address;
        }
    }
}
