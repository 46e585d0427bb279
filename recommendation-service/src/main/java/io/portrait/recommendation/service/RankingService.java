package io.portrait.recommendation.service;

import io.portrait.recommendation.config.RecommendationConfig;
import io.portrait.recommendation.domain.InvalidRequestException;
import io.portrait.recommendation.domain.ProfileInteraction;
import io.portrait.recommendation.domain.Workspaces;
import io.portrait.recommendation.engine.CooccurrenceRecommender;
import io.portrait.recommendation.engine.HistoryItem;
import io.portrait.recommendation.engine.NeighbourItem;
import io.portrait.recommendation.engine.PopularItem;
import io.portrait.recommendation.engine.Recommendations;
import io.portrait.recommendation.repository.AliasRepository;
import io.portrait.recommendation.repository.ConsentRepository;
import io.portrait.recommendation.repository.InteractionRepository;
import io.portrait.recommendation.repository.ItemStatsRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads what the recommender needs for one profile, within the configured bounds, and ranks with it:
 * the profile's history, the neighbours sharing its items, their items, item occurrence counts and the
 * best sellers. Profiles that refused personalization, or have no history, get best sellers only.
 */
@ApplicationScoped
public class RankingService {

    private final AliasRepository aliases;
    private final ConsentRepository consents;
    private final InteractionRepository interactions;
    private final ItemStatsRepository itemStats;
    private final CooccurrenceRecommender recommender;
    private final RecommendationConfig config;
    private final Clock clock;

    RankingService(AliasRepository aliases, ConsentRepository consents, InteractionRepository interactions,
                   ItemStatsRepository itemStats, CooccurrenceRecommender recommender, RecommendationConfig config,
                   Clock clock) {
        this.aliases = aliases;
        this.consents = consents;
        this.interactions = interactions;
        this.itemStats = itemStats;
        this.recommender = recommender;
        this.config = config;
        this.clock = clock;
    }

    public Uni<Recommendations> recommend(String workspace, String profileId, int limit) {
        if (profileId == null || profileId.isBlank()) {
            throw new InvalidRequestException("profile_id", "is required");
        }
        if (limit < 0 || limit > config.maxLimit()) {
            throw new InvalidRequestException("limit", "must be between 0 and " + config.maxLimit());
        }
        int wanted = limit == 0 ? Math.min(config.defaultLimit(), config.maxLimit()) : limit;
        String ws = Workspaces.normalize(workspace);
        return aliases.resolve(ws, profileId)
                .chain(profile -> consents.find(ws, profile).chain(consent -> {
                    if (consent.isPresent() && !consent.get().personalization()) {
                        return bestSellersOnly(ws, wanted);
                    }
                    return interactions.history(ws, profile, config.maxHistoryItems())
                            .chain(history -> history.isEmpty()
                                    ? bestSellersOnly(ws, wanted)
                                    : personalized(ws, profile, history, wanted));
                }));
    }

    private Uni<Recommendations> bestSellersOnly(String workspace, int wanted) {
        return bestSellers(workspace, wanted).map(popular -> recommender.popular(popular, wanted));
    }

    private Uni<Recommendations> personalized(String workspace, String profileId, List<ProfileInteraction> history,
                                              int wanted) {
        List<String> skus = history.stream().map(ProfileInteraction::sku).toList();
        int purchased = (int) history.stream().filter(ProfileInteraction::purchased).count();
        return interactions.neighbours(workspace, skus, profileId, config.maxNeighbours(), config.maxNeighbourItems())
                .chain(neighbours -> interactions.itemsOf(workspace, neighbours, config.maxNeighbourItems()))
                .chain(neighbourItems -> {
                    Set<String> allSkus = new HashSet<>(skus);
                    neighbourItems.forEach(item -> allSkus.add(item.sku()));
                    // Enough best sellers to fill the list after skipping ranked and purchased items.
                    int sellers = 2 * wanted + purchased;
                    return Uni.combine().all()
                            .unis(itemStats.occurrences(workspace, allSkus), bestSellers(workspace, sellers))
                            .asTuple()
                            .map(counts -> recommender.recommend(clock.instant(),
                                    history.stream().map(RankingService::toHistoryItem).toList(),
                                    neighbourItems.stream().map(RankingService::toNeighbourItem).toList(),
                                    counts.getItem1(), counts.getItem2(), wanted));
                });
    }

    private Uni<List<PopularItem>> bestSellers(String workspace, int max) {
        return itemStats.bestSellers(workspace, max)
                .map(stats -> stats.stream().map(item -> new PopularItem(item.sku(), item.purchases())).toList());
    }

    private static HistoryItem toHistoryItem(ProfileInteraction item) {
        return new HistoryItem(item.sku(), item.totalWeight(), item.lastAt(), item.purchased());
    }

    private static NeighbourItem toNeighbourItem(ProfileInteraction item) {
        return new NeighbourItem(item.profileId(), item.sku(), item.purchased());
    }
}
