package io.portrait.recommendation.service;

import io.portrait.common.sink.SinkRequests;
import io.portrait.recommendation.config.RecommendationConfig;
import io.portrait.recommendation.domain.InvalidRequestException;
import io.portrait.recommendation.domain.ProfileGroups;
import io.portrait.recommendation.domain.ProfileInteraction;
import io.portrait.recommendation.domain.SegmentMemberships;
import io.portrait.recommendation.domain.Workspaces;
import io.portrait.recommendation.engine.Affinity;
import io.portrait.recommendation.engine.ItemModel;
import io.portrait.recommendation.engine.ItemModelBuilder;
import io.portrait.recommendation.engine.ProfileItem;
import io.portrait.recommendation.engine.Query;
import io.portrait.recommendation.engine.Recommendations;
import io.portrait.recommendation.engine.Recommender;
import io.portrait.recommendation.engine.Rules;
import io.portrait.recommendation.repository.AliasRepository;
import io.portrait.recommendation.repository.ConsentRepository;
import io.portrait.recommendation.repository.InteractionRepository;
import io.portrait.recommendation.repository.ProfileRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recommendations for a profile and similar items for an item. A profile's consent, region and history are
 * read live from the store, its segments and preference tags from tagging (cached, see {@link ProfileTastes}),
 * and ranked with the workspace's current model. A profile that refused personalization gets best sellers of its
 * region, of what the caller names and of all customers, marked as not personalized and why; neither its history nor
 * tagging is read for it, and nothing about it is remembered. When tagging cannot answer in time the list is made
 * from the history, the region and the caller's options alone, and says so.
 */
@ApplicationScoped
public class RankingService {

    /** Score multiplier of items matching one of the profile's preference tags. */
    static final double PREFERENCE_BOOST = 1.5;

    private final AliasRepository aliases;
    private final ConsentRepository consents;
    private final InteractionRepository interactions;
    private final ProfileRepository profiles;
    private final ModelService models;
    private final ProfileTastes tastes;
    private final Recommender recommender;
    private final Affinity affinity;
    private final RecommendationConfig config;
    private final Clock clock;

    RankingService(AliasRepository aliases, ConsentRepository consents, InteractionRepository interactions,
                   ProfileRepository profiles, ModelService models, ProfileTastes tastes, Recommender recommender,
                   Affinity affinity, RecommendationConfig config, Clock clock) {
        this.aliases = aliases;
        this.consents = consents;
        this.interactions = interactions;
        this.profiles = profiles;
        this.models = models;
        this.tastes = tastes;
        this.recommender = recommender;
        this.affinity = affinity;
        this.config = config;
        this.clock = clock;
    }

    public Uni<Recommendations> recommend(String workspace, String profileId, int limit, ListOptions options) {
        // Checked as every sink checks ids: trimmed, required, at most 200 characters.
        String id = SinkRequests.requireId(profileId == null ? "" : profileId, "profile_id");
        int wanted = checkLimit(limit);
        Rules rules = rules(options).withExcludePurchased(config.excludePurchased());
        String ws = Workspaces.normalize(workspace);
        return aliases.resolve(ws, id).chain(profile -> Uni.combine().all()
                .unis(consents.find(ws, profile), profiles.find(ws, profile), models.current(ws))
                .asTuple()
                .chain(found -> {
                    boolean personalize = found.getItem1().map(consent -> consent.personalization()).orElse(true);
                    ProfileGroups stored = found.getItem2().orElse(ProfileGroups.none(profile));
                    ItemModel model = found.getItem3();
                    return personalize
                            ? personal(ws, profile, stored, model, options, rules, wanted)
                            : Uni.createFrom().item(anonymous(stored, model, options, rules, wanted));
                }));
    }

    /** With consent: the profile's history, and its segments and preference tags from tagging. */
    private Uni<Recommendations> personal(String ws, String profile, ProfileGroups stored, ItemModel model,
                                          ListOptions options, Rules rules, int wanted) {
        return tastes.of(ws, profile).chain(taste -> {
            SegmentMemberships told = told(options, stored, taste);
            List<String> segments = segments(options, stored, told);
            List<String> preferences = new ArrayList<>(options.preferences());
            taste.taste().preferences().stream().filter(p -> !preferences.contains(p)).forEach(preferences::add);
            // Written only when it changes the profile's segments: the next model version counts purchases towards them.
            Uni<Void> remembered = told == null || !stored.memberships().changedBy(told)
                    ? Uni.createFrom().voidItem()
                    : profiles.recordSegments(ws, profile, told);
            return remembered
                    .chain(() -> interactions.history(ws, profile, Integer.MAX_VALUE))
                    .map(items -> {
                        // The most recent items shape the list; every item ever bought stays out of it.
                        List<ProfileInteraction> recent = items.subList(0,
                                Math.min(items.size(), config.maxHistoryItems()));
                        return recommender.recommend(model, new Query(toHistory(recent), true,
                                groupsOf(segments, stored.region(), preferences),
                                boughtBefore(rules, items.subList(recent.size(), items.size())), boosts(preferences),
                                wanted, taste.degraded()));
                    });
        });
    }

    /**
     * Without consent: neither the history nor tagging's segments and preferences (both derived from what the
     * person did) are read, and nothing is remembered about the profile; only its region, what the caller names and
     * all customers' best sellers shape the list.
     */
    private Recommendations anonymous(ProfileGroups stored, ItemModel model, ListOptions options, Rules rules,
                                      int wanted) {
        List<String> preferences = options.preferences();
        return recommender.recommend(model, new Query(Map.of(), false,
                groupsOf(options.segments(), stored.region(), preferences), rules, boosts(preferences), wanted));
    }

    public Uni<Recommendations> similar(String workspace, String sku, int limit, ListOptions options) {
        if (sku == null || sku.isBlank()) {
            throw new InvalidRequestException("sku", "is required");
        }
        int wanted = checkLimit(limit);
        Rules rules = rules(options);
        return models.current(Workspaces.normalize(workspace))
                .map(model -> recommender.similar(model, sku.trim(), wanted, rules));
    }

    private int checkLimit(int limit) {
        if (limit < 0 || limit > config.maxLimit()) {
            throw new InvalidRequestException("limit", "must be between 0 and " + config.maxLimit());
        }
        return limit == 0 ? Math.min(config.defaultLimit(), config.maxLimit()) : limit;
    }

    private Rules rules(ListOptions options) {
        checkPrice(options.minPrice(), "min_price");
        checkPrice(options.maxPrice(), "max_price");
        if (options.minPrice() != null && options.maxPrice() != null && options.minPrice() > options.maxPrice()) {
            throw new InvalidRequestException("min_price", "must not be above max_price");
        }
        for (String preference : options.preferences()) {
            if (!preference.startsWith("category:") && !preference.startsWith("brand:")) {
                throw new InvalidRequestException("preferences", "must look like category:<name> or brand:<name>, was "
                        + preference);
            }
        }
        return new Rules(false, Set.copyOf(new HashSet<>(options.categories())), options.minPrice(), options.maxPrice(),
                config.availableOnly(), config.maxPerCategory(), Set.of());
    }

    /** A price bound is a number a price can be: finite and not negative (as catalog prices are). */
    private static void checkPrice(Double bound, String field) {
        if (bound != null && (!Double.isFinite(bound) || bound < 0)) {
            throw new InvalidRequestException(field, "must be a number >= 0, was " + bound);
        }
    }

    /**
     * What this request learnt of the profile's segments, as statements about each: the caller's segments, which the
     * profile is in as of now (a caller does not say that it left the others); or else tagging's whole list, as of
     * when tagging was asked (in each listed segment, out of every other one known); null when it learnt nothing
     * (tagging not consulted, or not answering).
     */
    private SegmentMemberships told(ListOptions options, ProfileGroups stored, TasteCache.Lookup taste) {
        if (!options.segments().isEmpty()) {
            return SegmentMemberships.entered(options.segments(), clock.instant());
        }
        if (taste.degraded() != null || taste.readAt() == null) {
            return null;
        }
        return stored.memberships().listed(taste.taste().segments(), taste.readAt());
    }

    /**
     * The caller's segments when it names them; else tagging's, unless the store knows fresher (a membership change
     * followed since tagging was asked, see {@link SegmentFollower}); none when tagging could not answer (the list
     * then falls back to region and category best sellers); the stored ones when tagging is not consulted at all.
     */
    private List<String> segments(ListOptions options, ProfileGroups stored, SegmentMemberships told) {
        if (!options.segments().isEmpty()) {
            return options.segments();
        }
        if (told != null) {
            return stored.memberships().with(told).members();
        }
        return config.tagging().enabled() ? List.of() : stored.segments();
    }

    private static List<String> groupsOf(List<String> segments, String region, List<String> preferences) {
        List<String> groups = new ArrayList<>();
        segments.forEach(segment -> groups.add("segment:" + segment));
        if (region != null) {
            groups.add("region:" + region);
        }
        preferences.stream()
                .filter(preference -> preference.startsWith("category:"))
                .forEach(preference -> groups.add(ItemModelBuilder.categoryGroup(preference.substring("category:".length()))));
        return groups;
    }

    private static Map<String, Double> boosts(List<String> preferences) {
        Map<String, Double> boosts = new HashMap<>();
        preferences.forEach(preference -> boosts.put(preference, PREFERENCE_BOOST));
        return boosts;
    }

    /** The rules, also leaving out the older items bought (when purchases are left out) beyond the history read. */
    static Rules boughtBefore(Rules rules, List<ProfileInteraction> older) {
        if (!rules.excludePurchased()) {
            return rules;
        }
        Set<String> excluded = new HashSet<>(rules.excludeSkus());
        older.stream().filter(ProfileInteraction::purchased).forEach(item -> excluded.add(item.sku()));
        return excluded.size() == rules.excludeSkus().size() ? rules : rules.withExcludeSkus(excluded);
    }

    private Map<String, ProfileItem> toHistory(List<ProfileInteraction> items) {
        Instant now = clock.instant();
        Map<String, ProfileItem> history = new HashMap<>();
        items.forEach(item -> history.put(item.sku(), ModelService.toProfileItem(item, affinity, now)));
        return history;
    }
}
