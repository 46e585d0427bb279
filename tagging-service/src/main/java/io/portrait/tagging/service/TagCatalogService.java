package io.portrait.tagging.service;

import io.portrait.common.sink.InvalidRequestException;
import io.portrait.common.sink.ErasedProfiles;
import io.portrait.common.sink.SinkLedger;
import io.portrait.tagging.config.TaggingConfig;
import io.portrait.tagging.domain.ConflictException;
import io.portrait.tagging.domain.NotFoundException;
import io.portrait.tagging.domain.RecomputeJob;
import io.portrait.tagging.domain.StoredTagValue;
import io.portrait.tagging.domain.TagCategory;
import io.portrait.tagging.domain.TagDefinition;
import io.portrait.tagging.domain.TagVersionRow;
import io.portrait.tagging.engine.CompiledTag;
import io.portrait.tagging.engine.FieldCatalog;
import io.portrait.tagging.engine.ProfileTagger;
import io.portrait.tagging.engine.RuleException;
import io.portrait.tagging.engine.RuleJson;
import io.portrait.tagging.engine.RuleLimits;
import io.portrait.tagging.engine.TagSpec;
import io.portrait.tagging.engine.TagSpecs;
import io.portrait.tagging.repository.SegmentRepository;
import io.portrait.tagging.repository.TagValueRepository;
import io.portrait.tagging.repository.TaxonomyRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The governed side of tags: the taxonomy, definitions and their versions, publishing and retiring. */
@ApplicationScoped
public class TagCatalogService {

    private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final Set<String> UPDATE_MODES = Set.of(CompiledTag.REAL_TIME, CompiledTag.DAILY, CompiledTag.MANUAL);
    private static final Set<String> STATUSES = Set.of(TagDefinition.DRAFT, TagDefinition.PUBLISHED, TagDefinition.RETIRED);

    private final TaxonomyRepository taxonomy;
    private final TagValueRepository values;
    private final TagComputeService compute;
    private final RecomputeJobs jobs;
    private final ServedDefinitions served;
    private final TaggingConfig config;
    private final SegmentRepository segments;
    private final ErasedProfiles erased = new ErasedProfiles();
    private final SinkLedger ledger = new SinkLedger();

    TagCatalogService(TaxonomyRepository taxonomy, TagValueRepository values, TagComputeService compute,
                      RecomputeJobs jobs, ServedDefinitions served, TaggingConfig config, SegmentRepository segments) {
        this.segments = segments;
        this.taxonomy = taxonomy;
        this.values = values;
        this.compute = compute;
        this.jobs = jobs;
        this.served = served;
        this.config = config;
    }

    /** A definition with the version the call created or acted on. */
    public record DefinitionAndVersion(TagDefinition definition, TagVersionRow version) {
    }

    public record Published(TagDefinition definition, RecomputeJob job) {
    }

    public record TagDetails(TagDefinition definition, List<TagVersionRow> versions) {
    }

    public record ValuePage(int version, List<StoredTagValue> values, String nextAfter) {
    }

    @WithTransaction
    public Uni<TagCategory> createCategory(String workspace, TagCategory category) {
        String code = code(category.code(), "category.code");
        String name = text(category.name(), "category.name", true);
        String description = text(category.description(), "category.description", false);
        String parent = category.parentCode() == null || category.parentCode().isBlank() ? null : category.parentCode();
        TagCategory checked = new TagCategory(code, name, description, parent);
        Uni<Void> parentCheck = parent == null ? Uni.createFrom().voidItem()
                : taxonomy.categoryExists(workspace, parent).invoke(exists -> {
                    if (!exists) {
                        throw new InvalidRequestException("category.parent_code: no category '" + parent + "'");
                    }
                }).replaceWithVoid();
        return parentCheck.chain(() -> taxonomy.insertCategory(workspace, checked)).map(inserted -> {
            if (!inserted) {
                throw new ConflictException("category '" + code + "' exists", true);
            }
            return checked;
        });
    }

    @WithSession
    public Uni<List<TagCategory>> categories(String workspace) {
        return taxonomy.categories(workspace);
    }

    @WithTransaction
    public Uni<DefinitionAndVersion> createTag(String workspace, TagDefinition request, String specJson) {
        String code = code(request.code(), "definition.code");
        String name = text(request.name(), "definition.name", true);
        String description = text(request.description(), "definition.description", false);
        String owner = text(request.owner(), "definition.owner", true);
        String category = text(request.categoryCode(), "definition.category_code", true);
        return taxonomy.categoryExists(workspace, category).chain(exists -> {
            if (!exists) {
                throw new InvalidRequestException("definition.category_code: no category '" + category + "'");
            }
            return taxonomy.definitions(workspace, null, null);
        }).chain(definitions -> {
            TagSpec spec = spec(specJson, TagCompiler.catalog(definitions));
            String mode = updateMode(request.updateMode(), spec);
            TagDefinition definition = new TagDefinition(code, name, description, owner, category, spec.kind(),
                    spec.valueType().wireName(), mode, TagDefinition.DRAFT, 1, null, null, null);
            String stored = TagSpecs.toJson(spec).toString();
            return checkNoCycle(workspace, code, spec).chain(() -> taxonomy.insertDefinition(workspace, definition))
                    .chain(inserted -> {
                if (!inserted) {
                    throw new ConflictException("tag '" + code + "' exists", true);
                }
                return taxonomy.insertVersion(workspace, code, 1, stored);
            }).chain(() -> details(workspace, code)).map(details -> new DefinitionAndVersion(details.definition(),
                    details.versions().get(details.versions().size() - 1)));
        });
    }

    /** A new version with the new spec; the kind and value type stay those of the tag. */
    public Uni<DefinitionAndVersion> reviseTag(String workspace, String code, String specJson) {
        return reviseInTransaction(workspace, code, specJson).invoke(() -> served.changed(workspace));
    }

    @WithTransaction
    Uni<DefinitionAndVersion> reviseInTransaction(String workspace, String code, String specJson) {
        return existing(workspace, code, true).chain(definition -> {
            if (TagDefinition.RETIRED.equals(definition.status())) {
                throw new ConflictException("tag '" + code + "' is retired", false);
            }
            return taxonomy.definitions(workspace, null, null).chain(definitions -> {
                TagSpec spec = spec(specJson, TagCompiler.catalog(definitions));
                if (!spec.kind().equals(definition.kind())) {
                    throw new InvalidRequestException("spec_json: the tag is a " + definition.kind()
                            + " tag; a new kind needs a new tag");
                }
                if (!spec.valueType().wireName().equals(definition.valueType())) {
                    throw new InvalidRequestException("spec_json: the tag's values are " + definition.valueType()
                            + ", this spec gives " + spec.valueType().wireName());
                }
                int version = definition.latestVersion() + 1;
                return checkNoCycle(workspace, code, spec)
                        .chain(() -> taxonomy.insertVersion(workspace, code, version, TagSpecs.toJson(spec).toString()))
                        .chain(() -> taxonomy.updateState(workspace, code, definition.status(), version,
                                definition.liveVersion()))
                        .chain(() -> details(workspace, code))
                        .map(details -> new DefinitionAndVersion(details.definition(),
                                details.versions().get(details.versions().size() - 1)));
            });
        });
    }

    @WithSession
    public Uni<TagDetails> tag(String workspace, String code) {
        return details(workspace, code);
    }

    @WithSession
    public Uni<List<TagDefinition>> tags(String workspace, String categoryCode, String status) {
        if (status != null && !STATUSES.contains(status)) {
            throw new InvalidRequestException("status: expected draft, published or retired");
        }
        return taxonomy.definitions(workspace, categoryCode, status);
    }

    /**
     * Publishes a version. Computed tags get a job that computes it over every profile; until it completes the
     * previous live version is served. Manual and model tags carry their values over and are served at once.
     */
    public Uni<Published> publish(String workspace, String code, int requestedVersion) {
        return publishInTransaction(workspace, code, requestedVersion).invoke(published -> {
            served.changed(workspace);
            if (published.job() != null) {
                jobs.drain();
            }
        });
    }

    /**
     * Under the workspace lock that merges and erasures take exclusively, taken before the tag's row (the order every
     * writer of profile rows takes them in): a manual or model tag's values are copied to the new version in one
     * statement, and an erasure committing after that statement read a profile's value would not see the copy, which
     * would then outlive it.
     */
    @WithTransaction
    Uni<Published> publishInTransaction(String workspace, String code, int requestedVersion) {
        return ledger.lockShared(workspace).chain(() -> existing(workspace, code, true)).chain(definition -> {
            if (TagDefinition.RETIRED.equals(definition.status())) {
                throw new ConflictException("tag '" + code + "' is retired", false);
            }
            int version = requestedVersion == 0 ? definition.latestVersion() : requestedVersion;
            if (version < 1 || version > definition.latestVersion()) {
                throw new NotFoundException("tag '" + code + "' has no version " + version);
            }
            boolean computed = !definition.kind().equals("manual") && !definition.kind().equals("model");
            boolean live = definition.liveVersion() != null && definition.liveVersion() == version;
            if (!computed) {
                return live ? Uni.createFrom().item(new Published(definition, null))
                        : publishAtOnce(workspace, definition, version);
            }
            // Publishing the live version again is a no-op, unless another version's publish is pending: then this
            // one, the later, must win when that completes (see TagComputeService.makeLive), so it gets a job too.
            Uni<Boolean> needsJob = live ? taxonomy.publishPending(workspace, code, version)
                    : Uni.createFrom().item(true);
            return needsJob.chain(queue -> {
                if (!queue) {
                    return Uni.createFrom().item(new Published(definition, null));
                }
                RecomputeJob job = RecomputeJob.create(UUID.randomUUID().toString(), workspace, code, version, true);
                return taxonomy.markPublished(workspace, code, version)
                        .chain(() -> taxonomy.insertJob(job))
                        .chain(() -> taxonomy.job(workspace, job.jobId()))
                        .map(stored -> new Published(definition, stored.orElseThrow()));
            });
        });
    }

    /** Manual and model tags carry their values over to the version and serve it at once. */
    private Uni<Published> publishAtOnce(String workspace, TagDefinition definition, int version) {
        String code = definition.code();
        Uni<Integer> carry = definition.liveVersion() == null ? Uni.createFrom().item(0)
                : values.copyVersion(workspace, code, definition.liveVersion(), version);
        return taxonomy.markPublished(workspace, code, version)
                .chain(() -> carry)
                .chain(() -> taxonomy.updateState(workspace, code, TagDefinition.PUBLISHED,
                        definition.latestVersion(), version))
                .chain(() -> existing(workspace, code, false))
                .map(updated -> new Published(updated, null));
    }

    /** Retired tags are no longer computed or served; their values stay queryable by version. */
    public Uni<TagDefinition> retire(String workspace, String code) {
        return retireInTransaction(workspace, code).invoke(() -> served.changed(workspace));
    }

    /**
     * Refused while a segment or a computed tag reads the tag: its rule could no longer be checked against the
     * catalog, so the segment would stop refreshing (its members frozen) and the tag would read a value nobody keeps.
     */
    @WithTransaction
    Uni<TagDefinition> retireInTransaction(String workspace, String code) {
        return existing(workspace, code, true)
                .call(() -> readers(workspace, code).invoke(readers -> {
                    if (!readers.isEmpty()) {
                        throw new ConflictException("tag '" + code + "' is read by " + String.join(", ", readers)
                                + "; change or retire those first", false);
                    }
                }))
                .chain(definition -> taxonomy.updateState(workspace, code, TagDefinition.RETIRED,
                        definition.latestVersion(), definition.liveVersion()))
                .chain(() -> existing(workspace, code, false));
    }

    /** The segments and the other computed tags whose rules read tag {@code code}, e.g. "segment vip_east". */
    private Uni<List<String>> readers(String workspace, String code) {
        return segments.list(workspace).chain(rows -> compute.computable(workspace).map(tags -> {
            List<String> readers = new ArrayList<>();
            rows.stream().filter(row -> TagSpecs.tagsRead(RuleJson.readStored(row.rule())).contains(code))
                    .forEach(row -> readers.add("segment " + row.code()));
            tags.stream().filter(tag -> !tag.code().equals(code) && tag.tagsRead().contains(code))
                    .forEach(tag -> readers.add("tag " + tag.code()));
            return readers;
        }));
    }

    @WithSession
    public Uni<RecomputeJob> job(String workspace, String jobId) {
        return taxonomy.job(workspace, jobId).map(job -> job.orElseThrow(() ->
                new NotFoundException("no recompute job '" + jobId + "'")));
    }

    /**
     * Assigns a manual tag's value to profiles (merged-away ids land on their survivor). An erased profile (or an id
     * merged into one) is refused as an unknown one is at the gateway, and nothing is assigned: the check runs under
     * the workspace lock erasures take exclusively, so an erasure lands either before (and is seen) or after (and
     * deletes the value).
     */
    @WithTransaction
    public Uni<Integer> assign(String workspace, String code, String value, List<String> profileIds, String note) {
        String checkedValue = text(value, "value", true);
        if (checkedValue.contains(",")) {
            throw new InvalidRequestException("value: no commas");
        }
        String reason = note == null || note.isBlank() ? "assigned" : "assigned: " + text(note, "note", false);
        return manualTag(workspace, code).chain(manual -> {
            if (!manual.spec().allowed().isEmpty() && !manual.spec().allowed().contains(checkedValue)) {
                throw new InvalidRequestException("value: '" + checkedValue + "' is not one of "
                        + manual.spec().allowed());
            }
            return erased.liveProfiles(workspace, profileIds)
                    .chain(profiles -> {
                        if (!profiles.erased().isEmpty()) {
                            List<String> named = profileIds.stream().filter(profiles::isErased).distinct().toList();
                            throw new NotFoundException("no profile " + String.join(", ",
                                    named.subList(0, Math.min(5, named.size())))
                                    + (named.size() > 5 ? " (" + named.size() + " ids in all)" : "")
                                    + " in this workspace; nothing was assigned");
                        }
                        List<TagValueRepository.Change> changes = new ArrayList<>();
                        profileIds.stream().map(profiles::liveIdOf).distinct().forEach(id ->
                                changes.add(new TagValueRepository.Change(id, code,
                                        manual.definition().liveVersion(), checkedValue, reason)));
                        // The tags that read this one follow at once, as they follow an event.
                        return values.apply(workspace, changes)
                                .call(() -> compute.refreshReaders(workspace, changes.stream()
                                        .map(TagValueRepository.Change::profileId).collect(Collectors.toSet()), code))
                                .replaceWith(changes.size());
                    });
        });
    }

    private record ManualContext(TagDefinition definition, TagSpec.ManualTag spec) {
    }

    /**
     * Removes a manual tag's value from profiles (merged-away ids: from their survivor). Under the workspace lock, as
     * an assignment: the tags that read this one are recomputed for the profiles and may write a value, which an
     * erasure committing meanwhile would not see.
     */
    @WithTransaction
    public Uni<Integer> remove(String workspace, String code, List<String> profileIds) {
        return manualTag(workspace, code)
                .chain(manual -> erased.liveProfiles(workspace, profileIds).chain(profiles -> {
                    List<String> ids = profileIds.stream().map(profiles::liveIdOf).distinct().toList();
                    return values.delete(workspace, code, manual.definition().liveVersion(), ids)
                            .call(() -> compute.refreshReaders(workspace, Set.copyOf(ids), code));
                }));
    }

    /**
     * The published manual tag, under the workspace lock (shared) and the tag's row lock, taken in the order a publish
     * takes them: an assignment or removal then never writes to a version that a publish has already copied from.
     */
    private Uni<ManualContext> manualTag(String workspace, String code) {
        return ledger.lockShared(workspace).chain(() -> existing(workspace, code, true)).chain(definition -> {
            if (!definition.kind().equals("manual")) {
                throw new ConflictException("tag '" + code + "' is a " + definition.kind()
                        + " tag; only manual tags are assigned", false);
            }
            if (definition.liveVersion() == null || TagDefinition.RETIRED.equals(definition.status())) {
                throw new ConflictException("tag '" + code + "' is not published", false);
            }
            return taxonomy.versions(workspace, code).map(versions -> {
                TagVersionRow live = versions.stream().filter(v -> v.version() == definition.liveVersion())
                        .findFirst().orElseThrow();
                return new ManualContext(definition,
                        (TagSpec.ManualTag) TagSpecs.parse(live.spec(), FieldCatalog.standard(Map.of())));
            });
        });
    }

    @WithSession
    public Uni<ValuePage> values(String workspace, String code, int requestedVersion, int limit, String after) {
        int pageSize = limit <= 0 ? 100 : Math.min(limit, config.maxPageSize());
        return existing(workspace, code, false).chain(definition -> {
            int version = requestedVersion != 0 ? requestedVersion
                    : definition.liveVersion() == null ? 0 : definition.liveVersion();
            if (version < 1 || version > definition.latestVersion()) {
                throw new NotFoundException(requestedVersion == 0 ? "tag '" + code + "' is not published yet"
                        : "tag '" + code + "' has no version " + version);
            }
            return values.page(workspace, code, version, after == null ? "" : after, pageSize + 1).map(page -> {
                boolean more = page.size() > pageSize;
                List<StoredTagValue> shown = more ? page.subList(0, pageSize) : page;
                return new ValuePage(version, shown, more ? shown.get(shown.size() - 1).profileId() : "");
            });
        });
    }

    Uni<TagDefinition> existing(String workspace, String code, boolean lock) {
        return taxonomy.definition(workspace, code, lock).map(definition -> definition.orElseThrow(() ->
                new NotFoundException("no tag '" + code + "'")));
    }

    private Uni<TagDetails> details(String workspace, String code) {
        return existing(workspace, code, false).chain(definition -> taxonomy.versions(workspace, code)
                .map(versions -> new TagDetails(definition, versions)));
    }

    private static TagSpec spec(String specJson, FieldCatalog catalog) {
        if (specJson == null || specJson.isBlank()) {
            throw new InvalidRequestException("spec_json is required");
        }
        if (specJson.length() > 4 * RuleLimits.MAX_SOURCE_LENGTH) {
            throw new InvalidRequestException("spec_json is longer than " + 4 * RuleLimits.MAX_SOURCE_LENGTH
                    + " characters");
        }
        try {
            return TagSpecs.parse(specJson, catalog);
        } catch (RuleException e) {
            throw new InvalidRequestException("spec_json: " + e.getMessage());
        }
    }

    private static String updateMode(String requested, TagSpec spec) {
        String mode = requested == null || requested.isBlank()
                ? (spec.computed() ? CompiledTag.REAL_TIME : CompiledTag.MANUAL) : requested;
        if (!UPDATE_MODES.contains(mode)) {
            throw new InvalidRequestException("definition.update_mode: expected real_time, daily or manual");
        }
        if (spec.computed() == CompiledTag.MANUAL.equals(mode)) {
            throw new InvalidRequestException("definition.update_mode: " + (spec.computed()
                    ? "a computed tag is real_time or daily" : "a " + spec.kind() + " tag is manual"));
        }
        return mode;
    }

    /** Refuses a spec that would make tags read each other in a cycle with the tags being computed. */
    private Uni<Void> checkNoCycle(String workspace, String code, TagSpec spec) {
        if (TagSpecs.tagsRead(spec).contains(code)) {
            return Uni.createFrom().failure(new InvalidRequestException("spec_json: the tag reads itself"));
        }
        return compute.computable(workspace).map(tags -> {
            List<CompiledTag> all = new ArrayList<>(tags.stream().filter(tag -> !tag.code().equals(code)).toList());
            all.add(CompiledTag.of(code, 0, spec, CompiledTag.REAL_TIME, null));
            try {
                new ProfileTagger(all);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("spec_json: " + e.getMessage());
            }
            return null;
        }).replaceWithVoid();
    }

    static String code(String code, String field) {
        String trimmed = code == null ? "" : code.strip();
        if (!CODE.matcher(trimmed).matches()) {
            throw new InvalidRequestException(field + ": lower-case letters, digits and _, starting with a letter,"
                    + " at most 63 characters");
        }
        return trimmed;
    }

    static String text(String value, String field, boolean required) {
        String trimmed = value == null ? "" : value.strip();
        if (required && trimmed.isEmpty()) {
            throw new InvalidRequestException(field + " is required");
        }
        if (trimmed.length() > 2000) {
            throw new InvalidRequestException(field + " is longer than 2000 characters");
        }
        return trimmed;
    }
}
