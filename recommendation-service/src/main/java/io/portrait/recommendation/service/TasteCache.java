package io.portrait.recommendation.service;

import io.grpc.Status;
import io.portrait.recommendation.domain.ProfileTaste;
import io.smallrye.mutiny.Uni;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * A small per-profile cache of tastes read from tagging, so that the recommend path rarely waits for it. A fresh
 * taste is served as is; a stale one is served at once while one refresh runs in the background; a profile not
 * known yet waits for one load (whose deadline the loader sets). When a load fails the answer is made without the
 * taste and says why, and the profile is not tried again for {@code retryAfter}, so a slow or absent tagging costs
 * at most one deadline per profile in that time.
 */
public final class TasteCache {

    /**
     * A taste; why it is missing when tagging could not give it (null when it could); and the time tagging was asked
     * for it, so that it tells what tagging knew at least as of then (null without a taste).
     */
    public record Lookup(ProfileTaste taste, String degraded, Instant readAt) {
    }

    private record Key(String workspace, String profileId) {
    }

    /**
     * The latest known taste (null after a failed first load), when tagging was asked for it, and the state of its
     * loads.
     */
    private record Entry(ProfileTaste taste, Instant loadedAt, Instant failedAt, String failure, boolean refreshing) {
    }

    private final BiFunction<String, String, Uni<ProfileTaste>> loader;
    private final Clock clock;
    private final Duration freshFor;
    private final Duration retryAfter;
    private final int maxProfiles;
    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

    public TasteCache(BiFunction<String, String, Uni<ProfileTaste>> loader, Clock clock, Duration freshFor,
                      Duration retryAfter, int maxProfiles) {
        this.loader = Objects.requireNonNull(loader);
        this.clock = Objects.requireNonNull(clock);
        this.freshFor = Objects.requireNonNull(freshFor);
        this.retryAfter = Objects.requireNonNull(retryAfter);
        if (maxProfiles < 1) {
            throw new IllegalArgumentException("the taste cache must hold at least 1 profile, was " + maxProfiles);
        }
        this.maxProfiles = maxProfiles;
    }

    public Uni<Lookup> get(String workspace, String profileId) {
        Key key = new Key(workspace, profileId);
        Instant now = clock.instant();
        Entry entry = entries.get(key);
        if (entry != null && entry.taste() != null) {
            Lookup cached = new Lookup(entry.taste(), null, entry.loadedAt());
            if (entry.loadedAt().plus(freshFor).isAfter(now)) {
                return Uni.createFrom().item(cached);
            }
            if (!entry.refreshing() && mayRetry(entry, now)) {
                refreshInBackground(key, entry);
            }
            return Uni.createFrom().item(cached);
        }
        if (entry != null && !mayRetry(entry, now)) {
            return Uni.createFrom().item(new Lookup(ProfileTaste.NONE, entry.failure(), null));
        }
        return loader.apply(workspace, profileId)
                .map(taste -> {
                    put(key, new Entry(taste, now, null, null, false));
                    return new Lookup(taste, null, now);
                })
                .onFailure().recoverWithItem(failure -> {
                    String why = describe(failure);
                    put(key, new Entry(null, null, clock.instant(), why, false));
                    return new Lookup(ProfileTaste.NONE, why, null);
                });
    }

    /** Forgets a profile (erased, or merged away). */
    public void forget(String workspace, String profileId) {
        entries.remove(new Key(workspace, profileId));
    }

    int size() {
        return entries.size();
    }

    private boolean mayRetry(Entry entry, Instant now) {
        return entry.failedAt() == null || !entry.failedAt().plus(retryAfter).isAfter(now);
    }

    private void refreshInBackground(Key key, Entry stale) {
        Entry refreshing = new Entry(stale.taste(), stale.loadedAt(), stale.failedAt(), stale.failure(), true);
        if (!entries.replace(key, stale, refreshing)) {
            return;
        }
        Instant asked = clock.instant();
        loader.apply(key.workspace(), key.profileId()).subscribe().with(
                taste -> put(key, new Entry(taste, asked, null, null, false)),
                failure -> entries.computeIfPresent(key, (k, current) -> new Entry(current.taste(), current.loadedAt(),
                        clock.instant(), describe(failure), false)));
    }

    private void put(Key key, Entry entry) {
        if (entries.size() >= maxProfiles && !entries.containsKey(key)) {
            // Any entry will do: a dropped profile is only read from tagging once more.
            Iterator<Key> any = entries.keySet().iterator();
            if (any.hasNext()) {
                entries.remove(any.next());
            }
        }
        entries.put(key, entry);
    }

    /** Words for the reasons of a list made without the taste. */
    static String describe(Throwable failure) {
        Status.Code code = Status.fromThrowable(failure).getCode();
        String cause = switch (code) {
            case DEADLINE_EXCEEDED -> "tagging did not answer in time";
            case UNAVAILABLE -> "tagging is unreachable";
            default -> "tagging answered " + code;
        };
        return "segments and preferences unavailable: " + cause;
    }
}
