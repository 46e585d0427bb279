package io.portrait.tagging.grpc;

import io.portrait.common.sink.ProtoTimestamps;
import io.portrait.common.sink.SinkRequests;
import io.portrait.proto.tagging.v1.AssignTagRequest;
import io.portrait.proto.tagging.v1.AssignTagResponse;
import io.portrait.proto.tagging.v1.CreateCategoryRequest;
import io.portrait.proto.tagging.v1.CreateCategoryResponse;
import io.portrait.proto.tagging.v1.CreateTagRequest;
import io.portrait.proto.tagging.v1.CreateTagResponse;
import io.portrait.proto.tagging.v1.GetRecomputeJobRequest;
import io.portrait.proto.tagging.v1.GetRecomputeJobResponse;
import io.portrait.proto.tagging.v1.GetTagInsightRequest;
import io.portrait.proto.tagging.v1.GetTagInsightResponse;
import io.portrait.proto.tagging.v1.GetTagRequest;
import io.portrait.proto.tagging.v1.GetTagResponse;
import io.portrait.proto.tagging.v1.ListCategoriesRequest;
import io.portrait.proto.tagging.v1.ListCategoriesResponse;
import io.portrait.proto.tagging.v1.ListTagValuesRequest;
import io.portrait.proto.tagging.v1.ListTagValuesResponse;
import io.portrait.proto.tagging.v1.ListTagsRequest;
import io.portrait.proto.tagging.v1.ListTagsResponse;
import io.portrait.proto.tagging.v1.ProfileTagValue;
import io.portrait.proto.tagging.v1.PublishTagRequest;
import io.portrait.proto.tagging.v1.PublishTagResponse;
import io.portrait.proto.tagging.v1.RemoveTagRequest;
import io.portrait.proto.tagging.v1.RemoveTagResponse;
import io.portrait.proto.tagging.v1.RetireTagRequest;
import io.portrait.proto.tagging.v1.RetireTagResponse;
import io.portrait.proto.tagging.v1.ReviseTagRequest;
import io.portrait.proto.tagging.v1.ReviseTagResponse;
import io.portrait.proto.tagging.v1.TagCatalog;
import io.portrait.proto.tagging.v1.ValueCount;
import io.portrait.tagging.domain.TagCategory;
import io.portrait.tagging.domain.TagDefinition;
import io.portrait.tagging.service.ProfileTagService;
import io.portrait.tagging.service.TagCatalogService;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

import java.util.List;

/** The taxonomy, tag definitions and versions, publishing, manual assignment and insight. */
@GrpcService
public class TagCatalogGrpcService implements TagCatalog {

    private final TagCatalogService catalog;
    private final ProfileTagService profileTags;

    TagCatalogGrpcService(TagCatalogService catalog, ProfileTagService profileTags) {
        this.catalog = catalog;
        this.profileTags = profileTags;
    }

    @Override
    public Uni<CreateCategoryResponse> createCategory(CreateCategoryRequest request) {
        var category = request.getCategory();
        return TagGrpcErrors.respond(() -> catalog.createCategory(SinkRequests.workspace(request.getWorkspace()),
                        new TagCategory(category.getCode(), category.getName(), category.getDescription(),
                                category.getParentCode())),
                created -> CreateCategoryResponse.newBuilder().setCategory(TagMessages.category(created)).build());
    }

    @Override
    public Uni<ListCategoriesResponse> listCategories(ListCategoriesRequest request) {
        return TagGrpcErrors.respond(() -> catalog.categories(SinkRequests.workspace(request.getWorkspace())),
                categories -> ListCategoriesResponse.newBuilder()
                        .addAllCategories(categories.stream().map(TagMessages::category).toList()).build());
    }

    @Override
    public Uni<CreateTagResponse> createTag(CreateTagRequest request) {
        var d = request.getDefinition();
        return TagGrpcErrors.respond(() -> catalog.createTag(SinkRequests.workspace(request.getWorkspace()),
                        new TagDefinition(d.getCode(), d.getName(), d.getDescription(), d.getOwner(),
                                d.getCategoryCode(), "", "", d.getUpdateMode(), "", 0, null, null, null),
                        request.getSpecJson()),
                created -> CreateTagResponse.newBuilder().setDefinition(TagMessages.definition(created.definition()))
                        .setVersion(TagMessages.version(created.version())).build());
    }

    @Override
    public Uni<ReviseTagResponse> reviseTag(ReviseTagRequest request) {
        return TagGrpcErrors.respond(() -> catalog.reviseTag(SinkRequests.workspace(request.getWorkspace()),
                        request.getCode(), request.getSpecJson()),
                revised -> ReviseTagResponse.newBuilder().setDefinition(TagMessages.definition(revised.definition()))
                        .setVersion(TagMessages.version(revised.version())).build());
    }

    @Override
    public Uni<GetTagResponse> getTag(GetTagRequest request) {
        return TagGrpcErrors.respond(() -> catalog.tag(SinkRequests.workspace(request.getWorkspace()),
                        request.getCode()),
                details -> GetTagResponse.newBuilder().setDefinition(TagMessages.definition(details.definition()))
                        .addAllVersions(details.versions().stream().map(TagMessages::version).toList()).build());
    }

    @Override
    public Uni<ListTagsResponse> listTags(ListTagsRequest request) {
        return TagGrpcErrors.respond(() -> catalog.tags(SinkRequests.workspace(request.getWorkspace()),
                        blankToNull(request.getCategoryCode()), blankToNull(request.getStatus())),
                definitions -> ListTagsResponse.newBuilder()
                        .addAllDefinitions(definitions.stream().map(TagMessages::definition).toList()).build());
    }

    @Override
    public Uni<PublishTagResponse> publishTag(PublishTagRequest request) {
        return TagGrpcErrors.respond(() -> catalog.publish(SinkRequests.workspace(request.getWorkspace()),
                        request.getCode(), request.getVersion()),
                published -> {
                    PublishTagResponse.Builder out = PublishTagResponse.newBuilder()
                            .setDefinition(TagMessages.definition(published.definition()));
                    if (published.job() != null) {
                        out.setJob(TagMessages.job(published.job()));
                    }
                    return out.build();
                });
    }

    @Override
    public Uni<RetireTagResponse> retireTag(RetireTagRequest request) {
        return TagGrpcErrors.respond(() -> catalog.retire(SinkRequests.workspace(request.getWorkspace()),
                        request.getCode()),
                retired -> RetireTagResponse.newBuilder().setDefinition(TagMessages.definition(retired)).build());
    }

    @Override
    public Uni<GetRecomputeJobResponse> getRecomputeJob(GetRecomputeJobRequest request) {
        return TagGrpcErrors.respond(() -> catalog.job(SinkRequests.workspace(request.getWorkspace()),
                        SinkRequests.requireId(request.getJobId(), "job_id")),
                job -> GetRecomputeJobResponse.newBuilder().setJob(TagMessages.job(job)).build());
    }

    @Override
    public Uni<AssignTagResponse> assignTag(AssignTagRequest request) {
        return TagGrpcErrors.respond(() -> catalog.assign(SinkRequests.workspace(request.getWorkspace()),
                        request.getCode(), request.getValue(), profileIds(request.getProfileIdsList()),
                        request.getNote()),
                assigned -> AssignTagResponse.newBuilder().setAssigned(assigned).build());
    }

    @Override
    public Uni<RemoveTagResponse> removeTag(RemoveTagRequest request) {
        return TagGrpcErrors.respond(() -> catalog.remove(SinkRequests.workspace(request.getWorkspace()),
                        request.getCode(), profileIds(request.getProfileIdsList())),
                removed -> RemoveTagResponse.newBuilder().setRemoved(removed).build());
    }

    @Override
    public Uni<ListTagValuesResponse> listTagValues(ListTagValuesRequest request) {
        return TagGrpcErrors.respond(() -> catalog.values(SinkRequests.workspace(request.getWorkspace()),
                        request.getCode(), request.getVersion(), request.getLimit(), request.getAfter()),
                page -> ListTagValuesResponse.newBuilder().setVersion(page.version()).setNextAfter(page.nextAfter())
                        .addAllValues(page.values().stream().map(value -> ProfileTagValue.newBuilder()
                                .setProfileId(value.profileId()).setValue(value.value()).setReason(value.reason())
                                .setUpdatedAt(ProtoTimestamps.toProto(value.updatedAt())).build()).toList())
                        .build());
    }

    @Override
    public Uni<GetTagInsightResponse> getTagInsight(GetTagInsightRequest request) {
        return TagGrpcErrors.respond(() -> profileTags.insight(SinkRequests.workspace(request.getWorkspace()),
                        request.getCode(), request.getTop()),
                insight -> {
                    GetTagInsightResponse.Builder out = GetTagInsightResponse.newBuilder()
                            .setValueType(insight.valueType()).setVersion(insight.version()).setProfiles(insight.profiles()).setTagged(insight.tagged())
                            .setCoverage(insight.profiles() == 0 ? 0 : (double) insight.tagged() / insight.profiles());
                    insight.values().forEach(entry -> out.addValues(ValueCount.newBuilder()
                            .setValue(entry.getKey()).setProfiles(entry.getValue())));
                    if (insight.min() != null) {
                        out.setMin(insight.min()).setMax(insight.max()).setMean(insight.mean());
                    }
                    return out.build();
                });
    }

    private static List<String> profileIds(List<String> ids) {
        if (ids.isEmpty()) {
            throw new io.portrait.common.sink.InvalidRequestException("profile_ids is required");
        }
        if (ids.size() > 10_000) {
            throw new io.portrait.common.sink.InvalidRequestException("profile_ids: at most 10000 per call");
        }
        return SinkRequests.each(ids, "profile_ids", SinkRequests::requireId);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
