package io.portrait.tagging.engine;

import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Values per key, loaded on demand and kept for a time to live, dropped at once by {@link #invalidate}. A load that
 * was under way while a key was invalidated is answered to its caller but not kept: it may have read the state from
 * before the change. A time to live of zero keeps nothing.
 */
public final class ExpiringCache<K, V> {

    private record Entry<V>(V value, long loadedAt) {
    }

    private final Function<K, Uni<V>> loader;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
    // Bumped by every invalidation (rare: a catalog change), so that a load overlapping one is not kept.
    private final AtomicLong generation = new AtomicLong();

    public ExpiringCache(Function<K, Uni<V>> loader, Duration ttl, LongSupplier nanoTime) {
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("time to live must not be negative: " + ttl);
        }
        this.loader = loader;
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
    }

    public Uni<V> get(K key) {
        long now = nanoTime.getAsLong();
        Entry<V> entry = entries.get(key);
        if (entry != null && now - entry.loadedAt() < ttlNanos) {
            return Uni.createFrom().item(entry.value());
        }
        long loadedIn = generation.get();
        return Uni.createFrom().deferred(() -> loader.apply(key)).invoke(value -> {
            if (ttlNanos == 0 || generation.get() != loadedIn) {
                return;
            }
            Entry<V> loaded = new Entry<>(value, now);
            entries.put(key, loaded);
            // An invalidation between the check above and the put: drop what was just kept.
            if (generation.get() != loadedIn) {
                entries.remove(key, loaded);
            }
        });
    }

    /** Forgets the key's value; loads under way now are not kept either. */
    public void invalidate(K key) {
        generation.incrementAndGet();
        entries.remove(key);
    }
}
