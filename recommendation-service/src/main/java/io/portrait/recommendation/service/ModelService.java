package io.portrait.recommendation.service;

import io.portrait.recommendation.config.RecommendationConfig;
import io.portrait.recommendation.domain.ProfileGroups;
import io.portrait.recommendation.domain.ProfileInteraction;
import io.portrait.recommendation.domain.Workspaces;
import io.portrait.recommendation.engine.Affinity;
import io.portrait.recommendation.engine.ItemModel;
import io.portrait.recommendation.engine.ItemModelBuilder;
import io.portrait.recommendation.engine.ModelSettings;
import io.portrait.recommendation.engine.ProfileItem;
import io.portrait.recommendation.repository.CatalogRepository;
import io.portrait.recommendation.repository.InteractionRepository;
import io.portrait.recommendation.repository.ModelVersionRepository;
import io.portrait.recommendation.repository.ProfileRepository;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Holds the current model version of every workspace this replica serves. A workspace's first request builds
 * its model; afterwards a new version is built whenever the workspace's interactions changed since the current
 * one was built (changes are noted in the store, so every replica sees them): checked by requests at most once per
 * {@code refresh-check}, and on a schedule for workspaces without requests. Between
 * versions, requests still see every new interaction of the profile they serve: its history is read live.
 */
@ApplicationScoped
public class ModelService {

    private final InteractionRepository interactions;
    private final CatalogRepository catalog;
    private final ProfileRepository profiles;
    private final ModelVersionRepository versions;
    private final ModelSettings settings;
    private final Affinity affinity;
    private final Clock clock;
    private final ConcurrentMap<String, ItemModel> models = new ConcurrentHashMap<>();
    /** Builds run one at a time per workspace; a rebuild asked for while one runs gets the next one. */
    private final FreshRuns<String, ItemModel> builds = new FreshRuns<>(this::build);
    private final ConcurrentMap<String, Long> lastChecked = new ConcurrentHashMap<>();
    /** Per workspace, the store's change counter read when the current model's build began. */
    private final ConcurrentMap<String, Long> builtFrom = new ConcurrentHashMap<>();
    private final long refreshCheckNanos;

    ModelService(InteractionRepository interactions, CatalogRepository catalog, ProfileRepository profiles,
                 ModelVersionRepository versions, ModelSettings settings, Affinity affinity, Clock clock,
                 RecommendationConfig config) {
        this.interactions = interactions;
        this.catalog = catalog;
        this.profiles = profiles;
        this.versions = versions;
        this.settings = settings;
        this.affinity = affinity;
        this.clock = clock;
        this.refreshCheckNanos = config.refreshCheck().toNanos();
    }

    /**
     * The workspace's current model, built first if this replica has none yet. At most once per
     * {@code refresh-check} a request also looks whether the workspace changed since its model was built, and if so
     * starts the next version in the background; the request itself is answered with the current one.
     */
    public Uni<ItemModel> current(String workspace) {
        ItemModel model = models.get(workspace);
        if (model == null) {
            // Any build will do: this request needs a model, not one newer than itself.
            return builds.latest(Workspaces.normalize(workspace));
        }
        long now = System.nanoTime();
        Long checked = lastChecked.get(workspace);
        // One request per period wins the check; the others go on with the current model.
        boolean due = checked == null
                ? lastChecked.putIfAbsent(workspace, now) == null
                : now - checked > refreshCheckNanos && lastChecked.replace(workspace, checked, now);
        if (due) {
            refreshIfBehind(workspace).subscribe().with(ignored -> { },
                    failure -> Log.warnf(failure, "Model refresh of workspace %s failed", workspace));
        }
        return Uni.createFrom().item(model);
    }

    /**
     * Builds a new version now and answers it: a build that starts after this call, so that it holds every change
     * made before the call. While a build is under way (which may have read the workspace before those changes), the
     * next one starts when it ends, shared by every call made meanwhile.
     */
    public Uni<ItemModel> rebuild(String workspace) {
        return builds.fresh(Workspaces.normalize(workspace));
    }

    /** Notes that interactions of the workspace changed, so that the next scheduled round rebuilds its model. */
    public Uni<Void> changed(String workspace) {
        return versions.markChanged(workspace, clock.instant());
    }

    @Scheduled(every = "${portrait.recommendation.rebuild-interval}", delayed = "${portrait.recommendation.rebuild-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> rebuildChanged() {
        return Multi.createFrom().iterable(List.copyOf(models.keySet()))
                .onItem().transformToUniAndConcatenate(ws -> refreshIfBehind(ws)
                        .onFailure().invoke(failure -> Log.warnf(failure, "Model rebuild of workspace %s failed", ws))
                        .onFailure().recoverWithNull())
                .collect().last()
                .replaceWithVoid();
    }

    /**
     * Builds the next version when changes were noted in the workspace since the current one started. A build
     * already running is joined, not followed by another: the changes it has not seen are still counted after it,
     * and the next round builds them.
     */
    private Uni<Void> refreshIfBehind(String workspace) {
        return versions.changes(workspace).chain(changes -> {
            boolean behind = !models.containsKey(workspace) || changes > builtFrom.getOrDefault(workspace, 0L);
            return behind ? builds.latest(Workspaces.normalize(workspace)).replaceWithVoid()
                    : Uni.createFrom().voidItem();
        });
    }

    private Uni<ItemModel> build(String workspace) {
        // Read before the scan: every change counted here was written before the scan began, so it is in the model.
        return versions.changes(workspace).chain(changes -> build(workspace, changes));
    }

    private Uni<ItemModel> build(String workspace, long changes) {
        Instant builtAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        long started = System.nanoTime();
        return profiles.all(workspace)
                .collect().asMap(ProfileGroups::profileId, ProfileGroups::keys)
                .chain(groups -> catalog.all(workspace).collect().asList().chain(items -> {
                    ItemModelBuilder builder = new ItemModelBuilder(settings, builtAt);
                    items.forEach(builder::describe);
                    Feeder feeder = new Feeder(builder, groups, builtAt);
                    return interactions.scan(workspace)
                            .collect().in(() -> feeder, Feeder::accept)
                            .invoke(Feeder::flush)
                            .chain(() -> versions.nextVersion(workspace))
                            // Counting co-occurrences is CPU work: keep it off the event loop.
                            .emitOn(Infrastructure.getDefaultWorkerPool())
                            .map(builder::build);
                }))
                .call(model -> versions.recordBuilt(workspace, model.version(), builtAt, model.profiles(),
                        model.size(), model.pairs()))
                .invoke(model -> {
                    lastChecked.put(workspace, System.nanoTime());
                    builtFrom.merge(workspace, changes, Math::max);
                    models.merge(workspace, model, (old, built) -> built.version() > old.version() ? built : old);
                    Log.infof("Model version %d of workspace %s: %d profiles, %d items, %d pairs in %d ms",
                            model.version(), workspace, model.profiles(), model.size(), model.pairs(),
                            (System.nanoTime() - started) / 1_000_000);
                });
    }

    /** Feeds the profile-ordered interaction scan to the builder one profile at a time. */
    private final class Feeder {

        private final ItemModelBuilder builder;
        private final Map<String, List<String>> groups;
        private final Instant now;
        private final List<ProfileItem> current = new ArrayList<>();
        private String profileId;

        Feeder(ItemModelBuilder builder, Map<String, List<String>> groups, Instant now) {
            this.builder = builder;
            this.groups = groups;
            this.now = now;
        }

        void accept(ProfileInteraction interaction) {
            if (!interaction.profileId().equals(profileId)) {
                flush();
                profileId = interaction.profileId();
            }
            current.add(toProfileItem(interaction, affinity, now));
        }

        void flush() {
            if (profileId != null && !current.isEmpty()) {
                builder.addProfile(current, groups.getOrDefault(profileId, List.of()));
            }
            current.clear();
        }
    }

    /**
     * An aggregate's affinity: the sum of its interactions' weights, each decayed by its own age; for an aggregate
     * whose scaled sum is incomplete (written before it was kept, or under another half-life), its summed weight
     * decayed by the age of its latest interaction.
     */
    static ProfileItem toProfileItem(ProfileInteraction interaction, Affinity affinity, Instant now) {
        double value = interaction.scaledWeight() != null
                ? affinity.unscaled(interaction.scaledWeight(), now)
                : interaction.totalWeight() * affinity.decay(interaction.lastAt(), now);
        return new ProfileItem(interaction.sku(), value, interaction.purchased(), interaction.lastAt(),
                interaction.lastPurchaseAt());
    }
}
