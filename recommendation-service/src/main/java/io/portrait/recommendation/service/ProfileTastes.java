package io.portrait.recommendation.service;

import io.portrait.recommendation.client.TaggingClient;
import io.portrait.recommendation.config.RecommendationConfig;
import io.portrait.recommendation.domain.ProfileTaste;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;

/** A profile's segments and preferences as tagging knows them, through the per-profile {@link TasteCache}. */
@ApplicationScoped
public class ProfileTastes {

    private static final Uni<TasteCache.Lookup> NOTHING =
            Uni.createFrom().item(new TasteCache.Lookup(ProfileTaste.NONE, null, null));

    private final boolean enabled;
    private final TasteCache cache;

    ProfileTastes(TaggingClient tagging, RecommendationConfig config, Clock clock) {
        RecommendationConfig.Tagging settings = config.tagging();
        this.enabled = settings.enabled();
        this.cache = new TasteCache(tagging::taste, clock, settings.freshFor(), settings.retryAfter(),
                settings.cacheSize());
    }

    public Uni<TasteCache.Lookup> of(String workspace, String profileId) {
        return enabled ? cache.get(workspace, profileId) : NOTHING;
    }

    public void forget(String workspace, String profileId) {
        cache.forget(workspace, profileId);
    }
}
