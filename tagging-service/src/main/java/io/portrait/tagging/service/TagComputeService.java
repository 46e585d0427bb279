package io.portrait.tagging.service;

import io.portrait.common.sink.NativeSql;
import io.portrait.common.sink.SinkLedger;
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
import io.portrait.tagging.engine.TagSpecs;
import io.portrait.tagging.engine.TagValue;
import io.portrait.tagging.engine.ValueType;
import io.portrait.tagging.config.TaggingConfig;
import io.portrait.tagging.repository.ProfileStateRepository;
import io.portrait.tagging.repository.ProfileStateRepository.ProfileData;
import io.portrait.tagging.repository.TagValueRepository;
import io.portrait.tagging.repository.TagValueRepository.Change;
import io.portrait.tagging.repository.TagValueRepository.GuardedChange;
import io.portrait.tagging.repository.TaxonomyRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Keeps tag values current: incrementally for the profiles of each event batch (affected tags only), and page by
 * page for the full computations {@link RecomputeJobs} runs (a version being published, the daily refresh).
 */
@ApplicationScoped
public class TagComputeService {

    private final TaxonomyRepository taxonomy;
    private final TagValueRepository values;
    private final ProfileStateRepository states;
    private final TagCompiler compiler;
    private final TaggingConfig config;
    private final SinkLedger ledger = new SinkLedger();
    private final Clock clock;

    TagComputeService(TaxonomyRepository taxonomy, TagValueRepository values, ProfileStateRepository states,
                      TagCompiler compiler, TaggingConfig config) {
        this.taxonomy = taxonomy;
        this.values = values;
        this.states = states;
        this.compiler = compiler;
        this.config = config;
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
            return computeAndStore(workspace, profileIds, affected, false,
                    values.forProfiles(workspace, profileIds));
        });
    }

    /**
     * Recomputes, for the profiles, the real-time tags that read tag {@code code} (directly or through another), in
     * the caller's transaction: after its values changed outside the event path (assigned, removed, or pushed by a
     * model).
     */
    public Uni<Integer> refreshReaders(String workspace, Set<String> profileIds, String code) {
        if (profileIds.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return computable(workspace).chain(tags -> {
            List<CompiledTag> readers = tags.isEmpty() ? List.of() : new ProfileTagger(tags).readersOf(Set.of(code))
                    .stream().filter(CompiledTag::realTime).toList();
            return readers.isEmpty() ? Uni.createFrom().item(0)
                    : computeAndStore(workspace, profileIds, readers, false,
                            values.forProfiles(workspace, profileIds));
        });
    }

    /**
     * Evaluates the tags (in dependency order) for the profiles and writes only the values that changed. A served
     * version's new value is read by the tags after it that read it (live tags kept current); a version being
     * computed is not read by any until it is served, so several versions computed in one pass each come out as
     * they would alone. {@code guarded}: each value is written only where the stored row is still as read here (a
     * page of a long job, see {@link TagValueRepository#applyGuarded}).
     *
     * <p>The stored values are read before the traits and events: a real-time update committing between the two
     * reads is then newer than the row the guard compares with, and is kept. Read the other way round, its row would
     * be the guard's reference while the page computed from the events before it, and the page would overwrite it.
     */
    private Uni<Integer> computeAndStore(String workspace, Set<String> profileIds, List<CompiledTag> tags,
                                        boolean guarded, Uni<List<StoredTagValue>> storedRead) {
        Instant now = clock.instant();
        return storedValues(workspace, storedRead).chain(stored -> states.load(workspace, profileIds)
                .chain(data -> {
                    Map<String, Map<String, Object>> current = stored.live();
                    List<Change> changes = new ArrayList<>();
                    List<GuardedChange> guardedChanges = new ArrayList<>();
                    Set<String> holdingValues = stored.profiles();
                    for (String profileId : profileIds) {
                        if (data.get(profileId) == null && !holdingValues.contains(profileId)) {
                            continue; // erased or merged away since its id was listed: nothing to tag
                        }
                        ProfileState state = state(profileId, data.get(profileId), current.getOrDefault(profileId, Map.of()));
                        Map<CompiledTag, Optional<TagValue>> evaluated = ProfileTagger.evaluate(tags, state, now,
                                tag -> Integer.valueOf(tag.version()).equals(stored.liveVersions().get(tag.code())));
                        evaluated.forEach((tag, value) -> {
                            StoredTagValue before = stored.byKey().get(new ValueKey(profileId, tag.code(), tag.version()));
                            if (changed(before, value)) {
                                if (guarded) {
                                    guardedChanges.add(new GuardedChange(change(profileId, tag, value),
                                            before == null ? null : before.updatedAt()));
                                } else {
                                    changes.add(change(profileId, tag, value));
                                }
                            }
                        });
                    }
                    if (guarded) {
                        return guardedChanges.isEmpty() ? Uni.createFrom().item(0)
                                : values.applyGuarded(workspace, guardedChanges);
                    }
                    return changes.isEmpty() ? Uni.createFrom().item(0) : values.apply(workspace, changes);
                }));
    }

    private static boolean changed(StoredTagValue before, Optional<TagValue> after) {
        if (before == null || after.isEmpty()) {
            return before != null || after.isPresent();
        }
        return !before.value().equals(after.get().text()) || !before.reason().equals(after.get().reason());
    }

    private static Change change(String profileId, CompiledTag tag, Optional<TagValue> value) {
        return value.map(v -> new Change(profileId, tag.code(), tag.version(), v.text(), v.reason()))
                .orElseGet(() -> new Change(profileId, tag.code(), tag.version(), null, null));
    }

    private record ValueKey(String profileId, String code, int version) {
    }

    /**
     * The profiles' stored values by key, those of live versions typed per profile and code (rules read them), and
     * the live version of each served tag.
     */
    private record StoredValues(Map<ValueKey, StoredTagValue> byKey, Map<String, Map<String, Object>> live,
                                Map<String, Integer> liveVersions) {

        /** The profiles holding any stored value. */
        Set<String> profiles() {
            return byKey.keySet().stream().map(ValueKey::profileId).collect(Collectors.toSet());
        }
    }

    /** The stored values {@code storedRead} answers (it may hold other profiles too: they are not looked up). */
    private Uni<StoredValues> storedValues(String workspace, Uni<List<StoredTagValue>> storedRead) {
        return taxonomy.definitions(workspace, null, null).chain(definitions -> {
            Map<String, TagDefinition> live = definitions.stream()
                    .filter(d -> d.liveVersion() != null && !TagDefinition.RETIRED.equals(d.status()))
                    .collect(Collectors.toMap(TagDefinition::code, d -> d));
            return storedRead.map(list -> {
                Map<ValueKey, StoredTagValue> byKey = new HashMap<>();
                Map<String, Map<String, Object>> byProfile = new HashMap<>();
                for (StoredTagValue value : list) {
                    byKey.put(new ValueKey(value.profileId(), value.code(), value.version()), value);
                    TagDefinition definition = live.get(value.code());
                    if (definition != null && definition.liveVersion() == value.version()) {
                        byProfile.computeIfAbsent(value.profileId(), id -> new HashMap<>())
                                .put(value.code(), TagValue.parse(value.value(),
                                        ValueType.fromWireName(definition.valueType())));
                    }
                }
                Map<String, Integer> liveVersions = new HashMap<>();
                live.forEach((code, definition) -> liveVersions.put(code, definition.liveVersion()));
                return new StoredValues(byKey, byProfile, liveVersions);
            });
        });
    }

    private static ProfileState state(String profileId, ProfileData data, Map<String, Object> tags) {
        if (data == null) {
            return new ProfileState(profileId, Map.of(), tags, null, List.of());
        }
        return new ProfileState(profileId, data.traits(), tags, data.activity(), data.events());
    }

    // ---- full computation (run by RecomputeJobs under a lease) ----

    /** Profiles a full computation goes over. */
    Uni<Long> profileCount(String workspace) {
        return Panache.withSession(() -> states.profileCount(workspace));
    }

    /**
     * The job's tag version, ready to compute. A job starting afresh computes the cut points of a percentile tier
     * first (calling {@code heartbeat} per page, it is a pass over every profile); a resumed one keeps those stored.
     */
    Uni<CompiledTag> prepare(RecomputeJob job, Supplier<Uni<Void>> heartbeat) {
        String workspace = job.workspace();
        return Panache.withSession(() -> computable(workspace)).chain(tags -> {
            CompiledTag tag = tags.stream()
                    .filter(t -> t.code().equals(job.code()) && t.version() == job.version())
                    .findFirst().orElse(null);
            if (tag == null) {
                return Uni.createFrom().failure(new IllegalStateException("the version is no longer computable"));
            }
            boolean fresh = job.checkpoint().isEmpty();
            return fresh && tag.spec() instanceof TagSpec.TieredTag tiered && tiered.percentiles()
                    ? cutPoints(workspace, tag, tiered, heartbeat) : Uni.createFrom().item(tag);
        });
    }

    /**
     * Computes and stores the tag versions for one page of profiles after {@code after}, in the caller's
     * transaction; answers their ids.
     */
    Uni<List<String>> computePage(String workspace, List<CompiledTag> tags, String after, int limit) {
        return pageIds(workspace, after, limit).call(ids -> computeProfiles(workspace, tags, ids));
    }

    /** The ids of the page of profiles after {@code after} (exclusive), in order, in the caller's session. */
    Uni<List<String>> pageIds(String workspace, String after, int limit) {
        return states.profileIds(workspace, after, limit);
    }

    /**
     * Computes and stores the tag versions for one page of profiles (ids in order, as {@link #pageIds} answers
     * them), in the caller's transaction.
     */
    Uni<Void> computeProfiles(String workspace, List<CompiledTag> tags, List<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // Two jobs of one version (a publish and a refresh) compute it once: a value is written once per statement.
        Map<String, CompiledTag> distinct = new LinkedHashMap<>();
        tags.forEach(tag -> distinct.putIfAbsent(tag.code() + " v" + tag.version(), tag));
        // The workspace lock shared with event batches: no merge or erasure commits between the page's reads and
        // its writes (it would have the page write values of a profile that is gone). A real-time update that
        // commits in between stays: the page writes a value only where the row is still as it read it.
        // A page is a contiguous run of ids in order: its stored values are read as a range.
        // Chained in dependency order: a live version refreshed in this pass (a daily refresh) feeds its new value to
        // the tags after it that read it; a version not yet served feeds nothing (see computeAndStore).
        List<CompiledTag> ordered = new ProfileTagger(List.copyOf(distinct.values())).tags();
        return ledger.lockShared(workspace).chain(() -> computeAndStore(workspace, Set.copyOf(ids), ordered,
                        true, values.forRange(workspace, ids.get(0), ids.get(ids.size() - 1))))
                .replaceWithVoid();
    }

    /**
     * Serves the version of a publish job, earlier than the live one or not (publishing an earlier version rolls
     * back to it), unless another version was published after it: the last publish wins, whichever of their jobs
     * completes last. A publish whose job failed is no longer one of them ({@link #afterFailedPublish}). A tag retired
     * meanwhile stays retired.
     */
    Uni<Void> makeLive(RecomputeJob job) {
        String workspace = job.workspace();
        return taxonomy.definition(workspace, job.code(), true).chain(definition -> definition
                .map(d -> taxonomy.publishedSince(job.jobId()).chain(superseded -> superseded
                        ? Uni.createFrom().voidItem()
                        : taxonomy.updateState(workspace, job.code(),
                                TagDefinition.RETIRED.equals(d.status()) ? d.status() : TagDefinition.PUBLISHED,
                                d.latestVersion(), job.version())))
                .orElse(Uni.createFrom().voidItem()));
    }

    /**
     * After the job of a publish failed, in the caller's transaction (its failure recorded first): the publish made
     * before it takes its place ({@link PublishFallback}), and the job's error says what the tag serves now. Answers
     * the job publishing an earlier version again, if one was queued. The tag's row is locked as {@link #makeLive}
     * locks it after recording its job's end, so a publish completing at the same moment sees this failure or is
     * seen completed here.
     */
    Uni<Optional<RecomputeJob>> afterFailedPublish(RecomputeJob job) {
        String workspace = job.workspace();
        return taxonomy.definition(workspace, job.code(), true).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(Optional.<RecomputeJob>empty());
            }
            TagDefinition definition = found.get();
            return taxonomy.publishedAfter(job.jobId()).chain(later -> taxonomy.publishedBefore(job.jobId())
                    .chain(previous -> {
                        PublishFallback fallback = PublishFallback.decide(job, definition.liveVersion(),
                                TagDefinition.RETIRED.equals(definition.status()), later, previous.orElse(null),
                                UUID.randomUUID().toString());
                        Uni<Void> queued = fallback.republish() == null ? Uni.createFrom().voidItem()
                                : taxonomy.insertJob(fallback.republish()).replaceWithVoid();
                        return queued.chain(() -> taxonomy.noteError(job.jobId(), fallback.note()))
                                .replaceWith(Optional.ofNullable(fallback.republish()));
                    }));
        });
    }

    /** First pass of a percentile tier tag: the metric over the population, cut at each tier's percentile. */
    private Uni<CompiledTag> cutPoints(String workspace, CompiledTag tag, TagSpec.TieredTag tiered,
                                       Supplier<Uni<Void>> heartbeat) {
        List<Double> population = new ArrayList<>();
        Instant now = clock.instant();
        return collectMetric(workspace, tiered, "", population, now, heartbeat).chain(() -> {
            double[] values = population.stream().mapToDouble(Double::doubleValue).toArray();
            double[] cuts = TagEngine.cutPoints(tiered, values);
            return Panache.withTransaction(() -> taxonomy.setCutPoints(workspace, tag.code(), tag.version(),
                            TagCompiler.cutPointsJson(cuts)))
                    .replaceWith(CompiledTag.of(tag.code(), tag.version(), tag.spec(), tag.updateMode(), cuts));
        });
    }

    private Uni<Void> collectMetric(String workspace, TagSpec.TieredTag tiered, String after, List<Double> out,
                                    Instant now, Supplier<Uni<Void>> heartbeat) {
        return Panache.withSession(() -> states.profileIds(workspace, after, config.recomputePageSize())
                        .chain(ids -> states.load(workspace, Set.copyOf(ids)).map(data -> {
                            for (String id : ids) {
                                OptionalDouble value = TagEngine.metric(tiered.metric(),
                                        state(id, data.get(id), Map.of()), now);
                                value.ifPresent(out::add);
                            }
                            return ids;
                        })))
                .call(ids -> heartbeat.get())
                .chain(ids -> ids.isEmpty() ? Uni.createFrom().voidItem()
                        : collectMetric(workspace, tiered, ids.get(ids.size() - 1), out, now, heartbeat));
    }

    // ---- daily refresh ----

    /**
     * Drops retained events past the retention (idempotent, so every replica may run it), and recomputes every tag
     * of the profiles that lost events: the rules read only the events kept, also those without a window
     * ({@code count("Order Completed")}), which the daily refresh does not recompute. Answers how many profiles lost
     * events.
     */
    Uni<Integer> prune() {
        Instant before = clock.instant().minus(config.eventRetention());
        return Panache.withSession(() -> states.workspacesWithEventsBefore(before))
                .chain(workspaces -> Multi.createFrom().iterable(workspaces)
                        .onItem().transformToUniAndConcatenate(workspace -> prune(workspace, before, 0))
                        .collect().with(Collectors.summingInt(Integer::intValue)));
    }

    /**
     * Prunes the workspace a page of profiles at a time, each page in its own transaction with its profiles'
     * tags recomputed. The workspace lock comes first, as for a page of a recompute: a merge, which moves events,
     * never holds it while waiting for the rows this deletes.
     */
    private Uni<Integer> prune(String workspace, Instant before, int pruned) {
        int limit = config.recomputePageSize();
        return Panache.withTransaction(() -> ledger.lockShared(workspace)
                        .chain(() -> states.prune(workspace, before, limit))
                        .call(profiles -> recomputeEveryTag(workspace, Set.copyOf(profiles))))
                .chain(profiles -> profiles.size() < limit ? Uni.createFrom().item(pruned + profiles.size())
                        : prune(workspace, before, pruned + profiles.size()));
    }

    /**
     * Recomputes every computed tag of the profiles, in the caller's transaction, writing a value only where the
     * stored row is still as read (see {@link #computeAndStore}): it runs beside the event path.
     */
    private Uni<Integer> recomputeEveryTag(String workspace, Set<String> profileIds) {
        if (profileIds.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return computable(workspace).chain(tags -> tags.isEmpty() ? Uni.createFrom().item(0)
                : computeAndStore(workspace, profileIds, new ProfileTagger(tags).tags(), true,
                        values.forProfiles(workspace, profileIds)));
    }

    /**
     * The live tags of a workspace that change with the calendar alone (daily, time-window and tier tags), and the
     * live tags that read them: refreshed in one pass, in dependency order, each reader sees the new values.
     */
    Uni<List<CompiledTag>> refreshable(String workspace) {
        return Panache.withSession(() -> liveTags(workspace).map(live -> {
            List<CompiledTag> calendar = live.stream()
                    .filter(tag -> CompiledTag.DAILY.equals(tag.updateMode())
                            || TagSpecs.timeDependent(tag.spec())
                            || tag.spec() instanceof TagSpec.TieredTag)
                    .toList();
            List<CompiledTag> refreshed = new ArrayList<>(calendar);
            if (!live.isEmpty()) {
                refreshed.addAll(new ProfileTagger(live).readersOf(
                        calendar.stream().map(CompiledTag::code).collect(Collectors.toSet())));
            }
            return refreshed;
        }));
    }

    /**
     * After versions of {@code codes} were made live (in the caller's transaction): queues a refresh of the live
     * tags that read them, directly or through another, which were computed against the previous values.
     */
    Uni<Void> queueReaders(String workspace, Set<String> codes, String cause) {
        return liveTags(workspace).chain(live -> Multi.createFrom().iterable(live.isEmpty() ? List.<CompiledTag>of()
                        : new ProfileTagger(live).readersOf(codes))
                .onItem().transformToUniAndConcatenate(reader -> taxonomy.insertJob(RecomputeJob.create(
                        "readers-" + cause + "-" + reader.code() + "-v" + reader.version(), workspace, reader.code(),
                        reader.version(), false)))
                .collect().asList().replaceWithVoid());
    }

    /** The computable tags' live versions, in the caller's session. */
    private Uni<List<CompiledTag>> liveTags(String workspace) {
        return taxonomy.definitions(workspace, null, null).chain(definitions -> computable(workspace)
                .map(tags -> tags.stream()
                        .filter(tag -> definitions.stream().anyMatch(d -> d.code().equals(tag.code())
                                && d.liveVersion() != null && d.liveVersion() == tag.version()
                                && !TagDefinition.RETIRED.equals(d.status())))
                        .toList()));
    }

    /** Workspaces with at least one live tag. */
    Uni<List<String>> workspacesWithLiveTags() {
        return Panache.withSession(() -> NativeSql.list(
                "select distinct workspace from tag_definition where live_version is not null", String.class, Map.of()));
    }
}
