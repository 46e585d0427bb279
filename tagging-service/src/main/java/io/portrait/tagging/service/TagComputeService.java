package io.portrait.tagging.service;

import io.portrait.tagging.domain.RecomputeJob;
import io.portrait.tagging.domain.StoredTagValue;
import io.portrait.tagging.domain.TagDefinition;
import io.portrait.tagging.domain.TagVersionRow;
import io.portrait.tagging.engine.CompiledTag;
import io.portrait.tagging.engine.FieldCatalog;
import io.portrait.tagging.engine.ProfileState;
import io.portrait.tagging.engine.ProfileTagger;
import io.portrait.tagging.engine.TagEngine;
import io.portrait.tagging.engine.TagSpec;
import io.portrait.tagging.engine.TagValue;
import io.portrait.tagging.engine.ValueType;
import io.portrait.tagging.config.TaggingConfig;
import io.portrait.tagging.repository.ProfileStateRepository;
import io.portrait.tagging.repository.ProfileStateRepository.ProfileData;
import io.portrait.tagging.repository.TagValueRepository;
import io.portrait.tagging.repository.TagValueRepository.Change;
import io.portrait.tagging.repository.TaxonomyRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps tag values current: incrementally for the profiles of each event batch (affected tags only), fully for a
 * version being published (a job with progress; the previous version is served until it completes), and daily
 * for tags that look at time windows.
 */
@ApplicationScoped
public class TagComputeService {

    private final TaxonomyRepository taxonomy;
    private final TagValueRepository values;
    private final ProfileStateRepository states;
    private final TagCompiler compiler;
    private final TaggingConfig config;
    private final Vertx vertx;
    private final Clock clock;

    TagComputeService(TaxonomyRepository taxonomy, TagValueRepository values, ProfileStateRepository states,
                      TagCompiler compiler, TaggingConfig config, Vertx vertx) {
        this.taxonomy = taxonomy;
        this.values = values;
        this.states = states;
        this.compiler = compiler;
        this.config = config;
        this.vertx = vertx;
        this.clock = Clock.systemUTC();
    }

    /** The tag versions to compute in a workspace: live ones and those being published. */
    Uni<List<CompiledTag>> computable(String workspace) {
        return taxonomy.definitions(workspace, null, null).chain(definitions -> {
            Map<String, TagDefinition> byCode = definitions.stream()
                    .collect(Collectors.toMap(TagDefinition::code, definition -> definition));
            FieldCatalog catalog = everyTag(definitions);
            return taxonomy.computableVersions(workspace).map(rows -> rows.stream()
                    .map(row -> compiler.compile(workspace, row, byCode.get(row.code()).updateMode(), catalog))
                    .filter(tag -> tag.spec().computed())
                    .toList());
        });
    }

    private static FieldCatalog everyTag(List<TagDefinition> definitions) {
        Map<String, ValueType> tags = new HashMap<>();
        definitions.forEach(d -> tags.put(d.code(), ValueType.fromWireName(d.valueType())));
        return FieldCatalog.standard(tags);
    }

    /**
     * Recomputes the tags an event batch affects for its profiles, in the caller's transaction. With
     * {@code all}, every computed tag (after a merge).
     */
    public Uni<Integer> refreshProfiles(String workspace, Set<String> profileIds, Set<String> eventNames,
                                        boolean traitsChanged, boolean all) {
        if (profileIds.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return computable(workspace).chain(tags -> {
            if (tags.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            ProfileTagger tagger = new ProfileTagger(tags);
            List<CompiledTag> affected = tagger.affected(eventNames, traitsChanged, all);
            if (affected.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            return computeAndStore(workspace, profileIds, affected);
        });
    }

    private Uni<Integer> computeAndStore(String workspace, Set<String> profileIds, List<CompiledTag> tags) {
        Instant now = clock.instant();
        return states.load(workspace, profileIds).chain(data -> currentValues(workspace, profileIds)
                .chain(current -> {
                    List<Change> changes = new ArrayList<>();
                    for (String profileId : profileIds) {
                        ProfileState state = state(profileId, data.get(profileId), current.getOrDefault(profileId, Map.of()));
                        ProfileTagger.evaluate(tags, state, now).forEach((tag, value) ->
                                changes.add(change(profileId, tag, value)));
                    }
                    return values.apply(workspace, changes);
                }));
    }

    private static Change change(String profileId, CompiledTag tag, Optional<TagValue> value) {
        return value.map(v -> new Change(profileId, tag.code(), tag.version(), v.text(), v.reason()))
                .orElseGet(() -> new Change(profileId, tag.code(), tag.version(), null, null));
    }

    /** Current values of the live versions per profile and code, typed, for rules that read other tags. */
    private Uni<Map<String, Map<String, Object>>> currentValues(String workspace, Set<String> profileIds) {
        return taxonomy.definitions(workspace, null, null).chain(definitions -> {
            Map<String, TagDefinition> live = definitions.stream()
                    .filter(d -> d.liveVersion() != null && !TagDefinition.RETIRED.equals(d.status()))
                    .collect(Collectors.toMap(TagDefinition::code, d -> d));
            if (live.isEmpty()) {
                return Uni.createFrom().item(Map.of());
            }
            return values.forProfiles(workspace, profileIds)
                    .map(list -> {
                        Map<String, Map<String, Object>> byProfile = new HashMap<>();
                        {
                            for (StoredTagValue value : list) {
                                TagDefinition definition = live.get(value.code());
                                if (definition != null && definition.liveVersion() == value.version()) {
                                    byProfile.computeIfAbsent(value.profileId(), id -> new HashMap<>())
                                            .put(value.code(), TagValue.parse(value.value(),
                                                    ValueType.fromWireName(definition.valueType())));
                                }
                            }
                        }
                        return byProfile;
                    });
        });
    }

    private static ProfileState state(String profileId, ProfileData data, Map<String, Object> tags) {
        if (data == null) {
            return new ProfileState(profileId, Map.of(), tags, null, List.of());
        }
        return new ProfileState(profileId, data.traits(), tags, data.activity(), data.events());
    }

    // ---- full computation ----

    /** Starts the job on its own context once the publishing transaction has committed. */
    void start(RecomputeJob job, boolean makeLive) {
        Context context = VertxContext.getOrCreateDuplicatedContext(vertx);
        context.runOnContext(ignored -> run(job, makeLive).subscribe().with(
                done -> Log.infof("workspace %s: tag %s v%d computed for %d profiles", job.workspace(), job.code(),
                        job.version(), done),
                failure -> Log.errorf(failure, "workspace %s: computing tag %s v%d failed", job.workspace(),
                        job.code(), job.version())));
    }

    /** Computes one tag version over every profile, page by page, then (when {@code makeLive}) serves it. */
    Uni<Long> run(RecomputeJob job, boolean makeLive) {
        String workspace = job.workspace();
        return Panache.withSession(() -> states.profileCount(workspace)
                        .chain(total -> taxonomy.progress(job.jobId(), total, 0).replaceWith(total)))
                .chain(total -> Panache.withSession(() -> computable(workspace)).chain(tags -> {
                    CompiledTag tag = tags.stream()
                            .filter(t -> t.code().equals(job.code()) && t.version() == job.version())
                            .findFirst().orElse(null);
                    if (tag == null) {
                        return Uni.createFrom().failure(new IllegalStateException("the version is no longer computable"));
                    }
                    Uni<CompiledTag> prepared = tag.spec() instanceof TagSpec.TieredTag tiered && tiered.percentiles()
                            ? cutPoints(workspace, tag, tiered) : Uni.createFrom().item(tag);
                    return prepared.chain(ready -> page(job, ready, "", 0L));
                }))
                .call(done -> Panache.withTransaction(() -> (makeLive
                        ? taxonomy.definition(workspace, job.code(), true).chain(definition -> definition
                        .map(d -> taxonomy.updateState(workspace, job.code(),
                                TagDefinition.RETIRED.equals(d.status()) ? d.status() : TagDefinition.PUBLISHED,
                                d.latestVersion(), Math.max(job.version(),
                                        d.liveVersion() == null ? 0 : d.liveVersion())))
                        .orElse(Uni.createFrom().voidItem()))
                        : Uni.createFrom().voidItem())
                        .chain(() -> taxonomy.finishJob(job.jobId(), RecomputeJob.COMPLETED, null))))
                .onFailure().call(failure -> Panache.withTransaction(() ->
                        taxonomy.finishJob(job.jobId(), RecomputeJob.FAILED, failure.getMessage())));
    }

    private Uni<Long> page(RecomputeJob job, CompiledTag tag, String after, long done) {
        String workspace = job.workspace();
        return Panache.withTransaction(() -> states.profileIds(workspace, after, config.recomputePageSize())
                        .chain(ids -> ids.isEmpty() ? Uni.createFrom().item(ids)
                                : computeAndStore(workspace, Set.copyOf(ids), List.of(tag))
                                .chain(() -> taxonomy.advance(job.jobId(), done + ids.size()).replaceWith(ids))))
                .chain(ids -> ids.isEmpty() ? Uni.createFrom().item(done)
                        : page(job, tag, ids.get(ids.size() - 1), done + ids.size()));
    }

    /** First pass of a percentile tier tag: the metric over the population, cut at each tier's percentile. */
    private Uni<CompiledTag> cutPoints(String workspace, CompiledTag tag, TagSpec.TieredTag tiered) {
        List<Double> population = new ArrayList<>();
        Instant now = clock.instant();
        return collectMetric(workspace, tiered, "", population, now).chain(() -> {
            double[] values = population.stream().mapToDouble(Double::doubleValue).toArray();
            double[] cuts = TagEngine.cutPoints(tiered, values);
            return Panache.withTransaction(() -> taxonomy.setCutPoints(workspace, tag.code(), tag.version(),
                            TagCompiler.cutPointsJson(cuts)))
                    .replaceWith(CompiledTag.of(tag.code(), tag.version(), tag.spec(), tag.updateMode(), cuts));
        });
    }

    private Uni<Void> collectMetric(String workspace, TagSpec.TieredTag tiered, String after, List<Double> out,
                                    Instant now) {
        return Panache.withSession(() -> states.profileIds(workspace, after, config.recomputePageSize())
                        .chain(ids -> states.load(workspace, Set.copyOf(ids)).map(data -> {
                            for (String id : ids) {
                                OptionalDouble value = TagEngine.metric(tiered.metric(),
                                        state(id, data.get(id), Map.of()), now);
                                value.ifPresent(out::add);
                            }
                            return ids;
                        })))
                .chain(ids -> ids.isEmpty() ? Uni.createFrom().voidItem()
                        : collectMetric(workspace, tiered, ids.get(ids.size() - 1), out, now));
    }

    // ---- daily refresh ----

    /** Tags over time windows change with the calendar alone: recompute their live versions once a day. */
    @Scheduled(cron = "${portrait.tagging.daily-refresh-cron}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> dailyRefresh() {
        return Panache.withTransaction(() -> states.prune(clock.instant().minus(config.eventRetention())))
                .chain(() -> Panache.withSession(() -> io.portrait.common.sink.NativeSql.list(
                        "select distinct workspace from tag_definition where live_version is not null",
                        String.class, Map.of())))
                .chain(workspaces -> io.smallrye.mutiny.Multi.createFrom().iterable(workspaces)
                        .onItem().transformToUniAndConcatenate(this::refreshWorkspace)
                        .collect().last())
                .replaceWithVoid();
    }

    /** Recomputes the workspace's daily and time-window tags in place (same version); answers how many tags. */
    public Uni<Integer> refreshWorkspace(String workspace) {
        return Panache.withSession(() -> taxonomy.definitions(workspace, null, null).chain(definitions ->
                        computable(workspace).map(tags -> tags.stream()
                                .filter(tag -> definitions.stream().anyMatch(d -> d.code().equals(tag.code())
                                        && d.liveVersion() != null && d.liveVersion() == tag.version()))
                                .filter(tag -> CompiledTag.DAILY.equals(tag.updateMode())
                                        || io.portrait.tagging.engine.TagSpecs.timeDependent(tag.spec())
                                        || tag.spec() instanceof TagSpec.TieredTag)
                                .toList())))
                .chain(tags -> io.smallrye.mutiny.Multi.createFrom().iterable(tags)
                        .onItem().transformToUniAndConcatenate(tag -> {
                            RecomputeJob job = new RecomputeJob(java.util.UUID.randomUUID().toString(), workspace,
                                    tag.code(), tag.version(), RecomputeJob.RUNNING, 0, 0, clock.instant(), null, null);
                            return Panache.withTransaction(() -> taxonomy.insertJob(job)).chain(() -> run(job, false));
                        })
                        .collect().asList()
                        .map(List::size));
    }
}
