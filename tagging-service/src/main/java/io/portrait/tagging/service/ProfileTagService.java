package io.portrait.tagging.service;

import io.portrait.common.sink.InvalidRequestException;
import io.portrait.common.sink.ProfileAliases;
import io.portrait.common.sink.SinkLedger;
import io.portrait.common.tags.ModelVersions;
import io.portrait.common.tags.TagListText;
import io.portrait.tagging.domain.ConflictException;
import io.portrait.tagging.domain.StaleModelVersionException;
import io.portrait.tagging.domain.StoredTagValue;
import io.portrait.tagging.domain.TagDefinition;
import io.portrait.tagging.engine.EventCounts;
import io.portrait.tagging.repository.ModelTagVersionRepository;
import io.portrait.tagging.repository.ProfilePortraitRepository;
import io.portrait.tagging.repository.TagValueRepository;
import io.portrait.tagging.repository.TagValueRepository.Change;
import io.portrait.tagging.repository.TaxonomyRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.stream.Collectors;

/** A profile's tags as served, model scores pushed by scoring, and per-tag insight. */
@ApplicationScoped
public class ProfileTagService {

    /** Longest model tag value kept; RFM segment names and tiers are short. */
    private static final int MAX_VALUE_LENGTH = 200;

    private final TaxonomyRepository taxonomy;
    private final TagValueRepository values;
    private final io.portrait.tagging.repository.ProfileStateRepository states;
    private final ProfilePortraitRepository portraits;
    private final ServedDefinitions definitions;
    private final TagComputeService compute;
    private final ModelTagVersionRepository modelVersions;
    private final ProfileAliases aliases = new ProfileAliases();
    private final SinkLedger ledger = new SinkLedger();

    ProfileTagService(TaxonomyRepository taxonomy, TagValueRepository values,
                      io.portrait.tagging.repository.ProfileStateRepository states,
                      ProfilePortraitRepository portraits, ServedDefinitions definitions, TagComputeService compute,
                      ModelTagVersionRepository modelVersions) {
        this.compute = compute;
        this.modelVersions = modelVersions;
        this.portraits = portraits;
        this.definitions = definitions;
        this.taxonomy = taxonomy;
        this.values = values;
        this.states = states;
    }

    /** A served value with its definition. */
    public record ServedTag(TagDefinition definition, StoredTagValue value) {
    }

    public record ProfileTags(String profileId, List<ServedTag> tags,
                              List<io.portrait.tagging.repository.SegmentRepository.Membership> segments) {
    }

    /** What the profile view shows from tagging; {@code profileId} is the live profile after merges. */
    public record Portrait(String profileId, SortedMap<String, EventCounts> features, List<ServedTag> tags,
                           List<io.portrait.tagging.repository.SegmentRepository.Membership> segments) {
    }

    /** One model score as pushed. */
    /** Ends the reason of a model value that came from a profile merged into its holder since the run. */
    static final String ABSORBED = ", of merged profile ";

    public record ModelScore(String profileId, String value, double score) {
    }

    public record Insight(String valueType, int version, long profiles, long tagged, List<Map.Entry<String, Long>> values,
                          Double min, Double max, Double mean) {
    }

    /** The live-version values of the published tags of the live profile behind {@code profileId}. */
    public Uni<ProfileTags> tagsOf(String workspace, String profileId) {
        return portraitOf(workspace, profileId)
                .map(portrait -> new ProfileTags(portrait.profileId(), portrait.tags(), portrait.segments()));
    }

    /**
     * Counters, served tag values and segments of the live profile behind {@code profileId}: one statement, plus
     * one for the definitions when this replica does not hold them.
     */
    public Uni<Portrait> portraitOf(String workspace, String profileId) {
        return Uni.combine().all().unis(definitions.of(workspace), portraits.portrait(workspace, profileId))
                .with((served, rows) -> {
                    List<ServedTag> tags = new ArrayList<>();
                    for (StoredTagValue value : rows.values()) {
                        served(served, value).ifPresent(tags::add);
                    }
                    return new Portrait(rows.profileId(), rows.counters(), tags, rows.segments());
                });
    }

    /**
     * The served values of the given tags for many live profiles at once (an audience export's page), by profile
     * id; a profile without any of them is absent. Codes of tags that are not served (unknown, draft, retired)
     * have no values.
     */
    public Uni<Map<String, List<ServedTag>>> servedTags(String workspace, List<String> profileIds,
                                                        List<String> codes) {
        if (profileIds.isEmpty() || codes.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return Uni.combine().all().unis(definitions.of(workspace), values.forProfiles(workspace, profileIds, codes))
                .with((served, stored) -> {
                    Map<String, List<ServedTag>> tags = new LinkedHashMap<>();
                    for (StoredTagValue value : stored) {
                        served(served, value).ifPresent(tag ->
                                tags.computeIfAbsent(value.profileId(), id -> new ArrayList<>()).add(tag));
                    }
                    return tags;
                });
    }

    /** The value with its definition when it is served: its tag published and not retired, it of the live version. */
    private static Optional<ServedTag> served(Map<String, TagDefinition> served, StoredTagValue value) {
        TagDefinition definition = served.get(value.code());
        return definition != null && definition.liveVersion() == value.version()
                ? Optional.of(new ServedTag(definition, value)) : Optional.empty();
    }

    /**
     * Replaces the values of one model tag for the given profiles and removes it from the cleared ones (merged-away
     * ids land on their survivor, whose own score wins over theirs). Under the workspace lock the sink's batches
     * share, a profile tagging holds nothing of is skipped: one erased while the model ran is not tagged again. The
     * reason records the model version, its time and the score, and the merged-away id a value came from; a survivor
     * holding its own score of the run keeps it when a merged-away id's comes in a later page. Answers the values set
     * and those removed.
     *
     * <p>Model versions are ordered by their number ({@link ModelVersions}). A push of an older version than the
     * tag's newest pushed one is refused with {@link StaleModelVersionException}, changing nothing: scoring renews
     * its refit lease before every call, yet a call in flight as the lease ran out, or a refit overtaken by a newer
     * one, may land after the newer version's push, whose scores it must not overwrite. The same version again (a
     * retry, the run's next page) and a newer one are taken.
     */
    @WithTransaction
    public Uni<Integer> putModelScores(String workspace, String tagCode, String modelVersion, Instant computedAt,
                                       List<ModelScore> scores, List<String> cleared) {
        String version = TagCatalogService.text(modelVersion, "model_version", true);
        long versionNumber = ModelVersions.number("model_version", version);
        for (int i = 0; i < scores.size(); i++) {
            ModelScore score = scores.get(i);
            String value = score.value() == null ? "" : score.value().strip();
            if (value.isEmpty() || value.length() > MAX_VALUE_LENGTH || value.contains(",")) {
                throw new InvalidRequestException("scores[" + i + "].value: a non-empty text without commas, at most "
                        + MAX_VALUE_LENGTH + " characters");
            }
            if (!Double.isFinite(score.score())) {
                throw new InvalidRequestException("scores[" + i + "].score must be a finite number");
            }
        }
        return taxonomy.definition(workspace, tagCode, false).chain(found -> {
            TagDefinition definition = found.orElseThrow(() ->
                    new io.portrait.tagging.domain.NotFoundException("no tag '" + tagCode + "'"));
            if (!definition.kind().equals("model")) {
                throw new ConflictException("tag '" + tagCode + "' is a " + definition.kind() + " tag, not a model tag",
                        false);
            }
            if (definition.liveVersion() == null || TagDefinition.RETIRED.equals(definition.status())) {
                throw new ConflictException("tag '" + tagCode + "' is not published", false);
            }
            List<String> ids = new ArrayList<>(scores.stream().map(ModelScore::profileId).toList());
            ids.addAll(cleared);
            return newestVersion(workspace, tagCode, version, versionNumber)
                    .chain(() -> ledger.lockShared(workspace))
                    .chain(() -> aliases.survivorsOf(workspace, ids))
                    .chain(survivors -> {
                        Map<String, String> live = new LinkedHashMap<>();
                        ids.forEach(id -> live.put(id, survivors.getOrDefault(id, id)));
                        Set<String> absorbing = scores.stream()
                                .filter(score -> !live.get(score.profileId()).equals(score.profileId()))
                                .map(score -> live.get(score.profileId())).collect(Collectors.toSet());
                        String run = "model " + version + " computed at ";
                        return states.known(workspace, Set.copyOf(live.values())).chain(known ->
                                ownScoresHeld(workspace, tagCode, definition.liveVersion(), absorbing, run)
                                        .chain(ownHeld -> {
                                            ModelChanges model = modelChanges(tagCode, definition.liveVersion(),
                                                    run + computedAt + ", score ", scores, cleared, live, known,
                                                    ownHeld);
                                            return values.apply(workspace, model.changes())
                                                    .chain(() -> model.removed().isEmpty() ? Uni.createFrom().item(0)
                                                            : values.delete(workspace, tagCode,
                                                                    definition.liveVersion(), model.removed()))
                                                    .call(() -> compute.refreshReaders(workspace, model.touched(),
                                                            tagCode))
                                                    .map(deleted -> model.changes().size() + deleted);
                                        }));
                    });
        });
    }

    /**
     * Makes {@code number} the tag's newest model version, or fails with {@link StaleModelVersionException} when a
     * newer one was pushed; the version's row stays locked until the push's transaction ends.
     */
    private Uni<Void> newestVersion(String workspace, String tagCode, String version, long number) {
        return modelVersions.advance(workspace, tagCode, number).chain(advanced -> advanced
                ? Uni.createFrom().voidItem()
                : modelVersions.newest(workspace, tagCode).onItem().failWith(newest ->
                        new StaleModelVersionException(tagCode, version, newest.orElse(number))).replaceWithVoid());
    }

    private record ModelChanges(List<Change> changes, List<String> removed) {
        Set<String> touched() {
            Set<String> touched = new HashSet<>(removed);
            changes.forEach(change -> touched.add(change.profileId()));
            return touched;
        }
    }

    /**
     * The values a page of a model run sets and removes. {@code live}: each id's survivor (itself when not merged);
     * {@code known}: the profiles tagging holds; {@code ownHeld}: survivors already holding their own score of the run.
     */
    private static ModelChanges modelChanges(String tagCode, int version, String reason, List<ModelScore> scores,
                                             List<String> cleared, Map<String, String> live, Set<String> known,
                                             Set<String> ownHeld) {
        Map<String, Change> changes = new LinkedHashMap<>();
        Set<String> own = new HashSet<>(ownHeld);
        for (ModelScore score : scores) {
            String id = live.get(score.profileId());
            boolean isOwn = id.equals(score.profileId());
            // A profile's own score of this run wins over one of a profile merged into it since the run, whether it
            // came earlier in this request or in an earlier page.
            if (!known.contains(id) || (own.contains(id) && !isOwn)) {
                continue;
            }
            if (isOwn) {
                own.add(id);
            }
            changes.put(id, new Change(id, tagCode, version, score.value().strip(),
                    reason + io.portrait.tagging.engine.TagValue.text(score.score())
                            + (isOwn ? "" : ABSORBED + score.profileId())));
        }
        // Only a profile's own id clears it: that a merged-away id has no value says nothing of its survivor.
        List<String> removed = cleared.stream().filter(id -> live.get(id).equals(id))
                .filter(id -> known.contains(id) && !changes.containsKey(id)).distinct().toList();
        return new ModelChanges(List.copyOf(changes.values()), removed);
    }

    /**
     * The survivors among {@code profileIds} whose value of the tag already is their own score of this model version
     * (an earlier page of its run; {@code run} is the reason's beginning), which a merged-away id's must not replace.
     */
    private Uni<Set<String>> ownScoresHeld(String workspace, String tagCode, int version, Set<String> profileIds,
                                           String run) {
        if (profileIds.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return values.forProfiles(workspace, profileIds, List.of(tagCode)).map(stored -> stored.stream()
                .filter(value -> value.version() == version && value.reason() != null
                        && value.reason().startsWith(run) && !value.reason().contains(ABSORBED))
                .map(StoredTagValue::profileId).collect(Collectors.toSet()));
    }

    /** Coverage and value distribution of the tag's live version. */
    @WithSession
    public Uni<Insight> insight(String workspace, String code, int top) {
        int limit = top <= 0 ? 20 : Math.min(top, 1000);
        return taxonomy.definition(workspace, code, false).chain(found -> {
            TagDefinition definition = found.orElseThrow(() ->
                    new io.portrait.tagging.domain.NotFoundException("no tag '" + code + "'"));
            if (definition.liveVersion() == null) {
                throw new ConflictException("tag '" + code + "' is not published yet", false);
            }
            int version = definition.liveVersion();
            boolean list = "list".equals(definition.valueType());
            Uni<List<Object[]>> distribution = list
                    ? values.listDistribution(workspace, code, version, limit)
                    : values.distribution(workspace, code, version, limit);
            return states.profileCount(workspace).chain(profiles -> values.count(workspace, code, version)
                    .chain(tagged -> distribution.chain(rows -> {
                        List<Map.Entry<String, Long>> counts = rows.stream()
                                .map(row -> Map.entry(list ? TagListText.decodeItem((String) row[0]) : (String) row[0],
                                        ((Number) row[1]).longValue())).toList();
                        if (!"number".equals(definition.valueType())) {
                            return Uni.createFrom().item(new Insight(definition.valueType(), version, profiles, tagged, counts, null, null, null));
                        }
                        return values.numberSummary(workspace, code, version).map(summary -> new Insight(definition.valueType(), version,
                                profiles, tagged, counts, number(summary[1]), number(summary[2]), number(summary[3])));
                    })));
        });
    }

    private static Double number(Object value) {
        return value == null ? null : ((Number) value).doubleValue();
    }
}
