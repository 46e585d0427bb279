package io.portrait.gateway.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import io.portrait.gateway.client.IdentityClient;
import io.portrait.gateway.client.TaggingClient;
import io.portrait.gateway.domain.Page;
import io.portrait.gateway.domain.TagViews;
import io.portrait.gateway.engine.ListPager;
import io.portrait.gateway.rest.Problem;
import io.portrait.gateway.rest.ProblemException;
import io.portrait.proto.tagging.v1.AssignTagRequest;
import io.portrait.proto.tagging.v1.CreateCategoryRequest;
import io.portrait.proto.tagging.v1.CreateTagRequest;
import io.portrait.proto.tagging.v1.GetRecomputeJobRequest;
import io.portrait.proto.tagging.v1.GetTagInsightRequest;
import io.portrait.proto.tagging.v1.GetTagRequest;
import io.portrait.proto.tagging.v1.ListCategoriesRequest;
import io.portrait.proto.tagging.v1.ListTagValuesRequest;
import io.portrait.proto.tagging.v1.ListTagsRequest;
import io.portrait.proto.tagging.v1.PublishTagRequest;
import io.portrait.proto.tagging.v1.RecomputeJob;
import io.portrait.proto.tagging.v1.RemoveTagRequest;
import io.portrait.proto.tagging.v1.RetireTagRequest;
import io.portrait.proto.tagging.v1.ReviseTagRequest;
import io.portrait.proto.tagging.v1.TagCategory;
import io.portrait.proto.tagging.v1.TagDefinition;
import io.portrait.proto.tagging.v1.TagVersion;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The tag API over tagging's gRPC catalog: request checks, wire mapping and file imports. */
@ApplicationScoped
public class TagService {

    /** Lines of one import file; larger lists go in several files. */
    public static final int MAX_IMPORT_LINES = 10_000;

    /** A profile id as identity writes them (a canonical UUID); identity refuses any other spelling. */
    private static final java.util.regex.Pattern PROFILE_ID = java.util.regex.Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** Most ids identity takes in one GetProfiles. */
    private static final int IDENTITY_BATCH = 1_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Tagging answers the taxonomy whole, in an order its contract does not promise: paged here by code. */
    private static final ListPager<TagViews.Category, String> CATEGORIES = ListPager.byCode(TagViews.Category::code);
    /** Tagging answers the (filtered) definitions whole, in an order its contract does not promise: paged by code. */
    private static final ListPager<TagViews.Definition, String> DEFINITIONS = ListPager.byCode(TagViews.Definition::code);

    private final TaggingClient tagging;
    private final IdentityClient identity;

    public TagService(TaggingClient tagging, IdentityClient identity) {
        this.tagging = tagging;
        this.identity = identity;
    }

    public Uni<TagViews.Category> createCategory(String workspace, TagViews.Category category) {
        require(category, "body");
        return tagging.createCategory(CreateCategoryRequest.newBuilder().setWorkspace(workspace)
                        .setCategory(TagCategory.newBuilder().setCode(orEmpty(category.code()))
                                .setName(orEmpty(category.name())).setDescription(orEmpty(category.description()))
                                .setParentCode(orEmpty(category.parentCode())))
                        .build())
                .map(response -> category(response.getCategory()));
    }

    /**
     * Up to {@code limit} categories after the cursor's, by code. Tagging answers the taxonomy whole; it is sorted
     * and paged here, and a bad cursor is refused before tagging is asked.
     */
    public Uni<Page<TagViews.Category>> categories(String workspace, String cursor, int limit) {
        String after = CATEGORIES.after(cursor);
        return tagging.listCategories(ListCategoriesRequest.newBuilder().setWorkspace(workspace).build())
                .map(response -> CATEGORIES.sortedPage(response.getCategoriesList().stream()
                        .map(TagService::category).toList(), after, limit));
    }

    public Uni<TagViews.TagDetails> create(String workspace, TagViews.NewTag tag) {
        require(tag, "body");
        require(tag.spec(), "spec");
        return tagging.createTag(CreateTagRequest.newBuilder().setWorkspace(workspace)
                        .setDefinition(TagDefinition.newBuilder().setCode(orEmpty(tag.code()))
                                .setName(orEmpty(tag.name())).setDescription(orEmpty(tag.description()))
                                .setOwner(orEmpty(tag.owner())).setCategoryCode(orEmpty(tag.category()))
                                .setUpdateMode(orEmpty(tag.updateMode())))
                        .setSpecJson(tag.spec().toString()).build())
                .map(response -> new TagViews.TagDetails(definition(response.getDefinition()),
                        List.of(version(response.getVersion()))));
    }

    public Uni<TagViews.TagDetails> revise(String workspace, String code, TagViews.NewVersion version) {
        require(version, "body");
        require(version.spec(), "spec");
        return tagging.reviseTag(ReviseTagRequest.newBuilder().setWorkspace(workspace).setCode(code)
                        .setSpecJson(version.spec().toString()).build())
                .map(response -> new TagViews.TagDetails(definition(response.getDefinition()),
                        List.of(version(response.getVersion()))));
    }

    public Uni<TagViews.TagDetails> tag(String workspace, String code) {
        return tagging.getTag(GetTagRequest.newBuilder().setWorkspace(workspace).setCode(code).build())
                .map(response -> new TagViews.TagDetails(definition(response.getDefinition()),
                        response.getVersionsList().stream().map(TagService::version).toList()));
    }

    /**
     * Up to {@code limit} definitions of the category and status (either null for any) after the cursor's, by code.
     * Tagging filters and answers the matching definitions whole; they are sorted and paged here, and a bad cursor is
     * refused before tagging is asked. The cursor holds only a code: the next page is of the filters asked with it.
     */
    public Uni<Page<TagViews.Definition>> tags(String workspace, String category, String status, String cursor,
                                               int limit) {
        String after = DEFINITIONS.after(cursor);
        return tagging.listTags(ListTagsRequest.newBuilder().setWorkspace(workspace).setCategoryCode(orEmpty(category))
                        .setStatus(orEmpty(status)).build())
                .map(response -> DEFINITIONS.sortedPage(response.getDefinitionsList().stream()
                        .map(TagService::definition).toList(), after, limit));
    }

    public Uni<TagViews.Published> publish(String workspace, String code, Integer version) {
        return tagging.publishTag(PublishTagRequest.newBuilder().setWorkspace(workspace).setCode(code)
                        .setVersion(version == null ? 0 : version).build())
                .map(response -> new TagViews.Published(definition(response.getDefinition()),
                        response.hasJob() ? job(response.getJob()) : null));
    }

    public Uni<TagViews.Definition> retire(String workspace, String code) {
        return tagging.retireTag(RetireTagRequest.newBuilder().setWorkspace(workspace).setCode(code).build())
                .map(response -> definition(response.getDefinition()));
    }

    public Uni<TagViews.Job> job(String workspace, String jobId) {
        return tagging.recomputeJob(GetRecomputeJobRequest.newBuilder().setWorkspace(workspace).setJobId(jobId).build())
                .map(response -> job(response.getJob()));
    }

    /** Assigns to profiles of the caller's workspace only (a merged id's to its survivor); any other id is a 404. */
    public Uni<TagViews.Count> assign(String workspace, String code, TagViews.Assignment assignment) {
        require(assignment, "body");
        List<String> ids = RequestLists.items(assignment.profileIds(), "profileIds");
        return liveIds(workspace, ids).chain(live -> {
            List<String> unknown = ids.stream().filter(id -> !live.containsKey(id)).distinct().toList();
            if (!unknown.isEmpty()) {
                throw new ProblemException(new Problem("not-found", "Not found", 404, "No profile "
                        + String.join(", ", unknown.subList(0, Math.min(5, unknown.size())))
                        + (unknown.size() > 5 ? " (" + unknown.size() + " ids in all)" : "")
                        + " in this workspace; nothing was assigned."));
            }
            return tagging.assignTag(AssignTagRequest.newBuilder().setWorkspace(workspace).setCode(code)
                            .setValue(orEmpty(assignment.value())).setNote(orEmpty(assignment.note()))
                            .addAllProfileIds(ids.stream().map(live::get).distinct().toList()).build())
                    .map(response -> new TagViews.Count(response.getAssigned()));
        });
    }

    /**
     * The live profile id of each of {@code ids} that is a profile of the workspace (a survivor for a merged id); an
     * id that is not a profile id at all is simply none. Identity is asked a thousand ids at a time, its limit.
     */
    private Uni<Map<String, String>> liveIds(String workspace, List<String> ids) {
        List<String> asked = ids.stream().filter(id -> PROFILE_ID.matcher(id.strip()).matches()).distinct().toList();
        List<List<String>> chunks = new ArrayList<>();
        for (int from = 0; from < asked.size(); from += IDENTITY_BATCH) {
            chunks.add(asked.subList(from, Math.min(asked.size(), from + IDENTITY_BATCH)));
        }
        return Multi.createFrom().iterable(chunks)
                .onItem().transformToUniAndConcatenate(chunk -> identity.profiles(workspace, chunk))
                .collect().in(java.util.HashMap<String, String>::new,
                        (live, profiles) -> profiles.forEach((id, profile) -> live.put(id, profile.getProfileId())))
                .map(Map::copyOf);
    }

    public Uni<TagViews.Count> remove(String workspace, String code, TagViews.Removal removal) {
        require(removal, "body");
        return tagging.removeTag(RemoveTagRequest.newBuilder().setWorkspace(workspace).setCode(code)
                        .addAllProfileIds(RequestLists.items(removal.profileIds(), "profileIds")).build())
                .map(response -> new TagViews.Count(response.getRemoved()));
    }

    /**
     * Assigns the values of a CSV file: one {@code profile_id,value} per line, an optional header line
     * {@code profile_id,value}. Lines without both fields are reported; the others are assigned, per value.
     */
    public Uni<TagViews.ImportResult> importFile(String workspace, String code, String csv, String fileName) {
        String[] lines = csv == null ? new String[0] : csv.split("\r?\n");
        if (lines.length > MAX_IMPORT_LINES + 1) {
            throw invalid("The file has more than " + MAX_IMPORT_LINES + " lines.");
        }
        Map<String, List<String>> byValue = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new LinkedHashMap<>();
        List<TagViews.ImportError> errors = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || (i == 0 && line.replace(" ", "").equalsIgnoreCase("profile_id,value"))) {
                continue;
            }
            int comma = line.indexOf(',');
            String id = comma < 0 ? "" : line.substring(0, comma).strip();
            String value = comma < 0 ? "" : line.substring(comma + 1).strip();
            if (id.isEmpty() || value.isEmpty() || value.contains(",")) {
                errors.add(new TagViews.ImportError(i + 1, "expected profile_id,value"));
                continue;
            }
            byValue.computeIfAbsent(value, v -> new ArrayList<>()).add(id);
            lineOf.putIfAbsent(id, i + 1);
        }
        if (byValue.isEmpty()) {
            throw invalid("The file holds no profile_id,value line.");
        }
        String note = "imported from " + (fileName == null || fileName.isBlank() ? "a file" : fileName.strip());
        return liveIds(workspace, List.copyOf(lineOf.keySet())).chain(live -> {
            lineOf.forEach((id, line) -> {
                if (!live.containsKey(id)) {
                    errors.add(new TagViews.ImportError(line, "no profile with this id in this workspace"));
                }
            });
            errors.sort(java.util.Comparator.comparingInt(TagViews.ImportError::line));
            return Multi.createFrom().iterable(byValue.entrySet())
                    .map(entry -> Map.entry(entry.getKey(), entry.getValue().stream().filter(live::containsKey)
                            .map(live::get).distinct().toList()))
                    .filter(entry -> !entry.getValue().isEmpty())
                    .onItem().transformToUniAndConcatenate(entry -> tagging.assignTag(AssignTagRequest.newBuilder()
                            .setWorkspace(workspace).setCode(code).setValue(entry.getKey()).setNote(note)
                            .addAllProfileIds(entry.getValue()).build()))
                    .collect().asList()
                    .map(responses -> new TagViews.ImportResult(
                            responses.stream().mapToInt(response -> response.getAssigned()).sum(), errors));
        });
    }

    public Uni<TagViews.TagValues> values(String workspace, String code, int version, int limit, String after) {
        return tagging.listTagValues(ListTagValuesRequest.newBuilder().setWorkspace(workspace).setCode(code)
                        .setVersion(version).setLimit(limit).setAfter(orEmpty(after)).build())
                .map(response -> new TagViews.TagValues(response.getVersion(), response.getValuesList().stream()
                        .map(value -> new TagViews.TagValueItem(value.getProfileId(), value.getValue(),
                                value.getReason(), time(value.getUpdatedAt()))).toList(),
                        response.getNextAfter().isEmpty() ? null : response.getNextAfter()));
    }

    public Uni<TagViews.Insight> insight(String workspace, String code, int top) {
        return tagging.tagInsight(GetTagInsightRequest.newBuilder().setWorkspace(workspace).setCode(code).setTop(top)
                        .build())
                .map(response -> {
                    boolean number = response.getValueType().equals("number") && response.getTagged() > 0;
                    return new TagViews.Insight(response.getVersion(), response.getProfiles(), response.getTagged(),
                            response.getCoverage(), response.getValuesList().stream()
                            .map(v -> new TagViews.ValueCount(v.getValue(), v.getProfiles())).toList(),
                            number ? response.getMin() : null, number ? response.getMax() : null,
                            number ? response.getMean() : null);
                });
    }

    /** The tags of a profile of the caller's workspace (a merged id's survivor's); 404 for any other id. */
    public Uni<TagViews.ProfileTags> profileTags(String workspace, String profileId) {
        return identity.profile(workspace, profileId).chain(profile -> tagging.profileTags(workspace,
                profile.getProfileId())).map(response -> new TagViews.ProfileTags(
                response.getProfileId(), response.getTagsList().stream().map(tag -> new TagViews.ProfileTag(
                tag.getCode(), tag.getName(), tag.getValue(), TagViews.ProfileTag.items(tag.getValue(), tag.getValueType()),
                tag.getValueType(), tag.getVersion(), tag.getReason(),
                time(tag.getUpdatedAt()))).toList()));
    }

    static TagViews.Category category(TagCategory category) {
        return new TagViews.Category(category.getCode(), category.getName(), category.getDescription(),
                category.getParentCode().isEmpty() ? null : category.getParentCode());
    }

    static TagViews.Definition definition(TagDefinition d) {
        return new TagViews.Definition(d.getCode(), d.getName(), d.getDescription(), d.getOwner(),
                d.getCategoryCode(), d.getKind(), d.getValueType(), d.getUpdateMode(), d.getStatus(),
                d.getLatestVersion(), d.getLiveVersion() == 0 ? null : d.getLiveVersion(),
                d.hasCreatedAt() ? time(d.getCreatedAt()) : null, d.hasUpdatedAt() ? time(d.getUpdatedAt()) : null);
    }

    static TagViews.Version version(TagVersion version) {
        JsonNode spec;
        try {
            spec = JSON.readTree(version.getSpecJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("tagging answered a spec that is not JSON", e);
        }
        return new TagViews.Version(version.getVersion(), spec,
                version.hasCreatedAt() ? time(version.getCreatedAt()) : null,
                version.hasPublishedAt() ? time(version.getPublishedAt()) : null);
    }

    static TagViews.Job job(RecomputeJob job) {
        return new TagViews.Job(job.getJobId(), job.getCode(), job.getVersion(), job.getState(), job.getTotal(),
                job.getDone(), job.hasStartedAt() ? time(job.getStartedAt()) : null,
                job.hasFinishedAt() ? time(job.getFinishedAt()) : null, job.getError().isEmpty() ? null : job.getError());
    }

    static String time(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()).toString();
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private static void require(Object value, String field) {
        if (value == null) {
            throw invalid(field.equals("body") ? "A JSON body is required." : "\"" + field + "\" is required.");
        }
    }

    static ProblemException invalid(String detail) {
        return ProblemException.invalidRequest(detail);
    }
}
