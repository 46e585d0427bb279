package io.portrait.gateway.client;

import io.portrait.gateway.config.GatewayConfig;
import io.portrait.proto.tagging.v1.AssignTagRequest;
import io.portrait.proto.tagging.v1.AssignTagResponse;
import io.portrait.proto.tagging.v1.CreateCategoryRequest;
import io.portrait.proto.tagging.v1.CreateCategoryResponse;
import io.portrait.proto.tagging.v1.CreateTagRequest;
import io.portrait.proto.tagging.v1.CreateTagResponse;
import io.portrait.proto.tagging.v1.GetProfileTagsRequest;
import io.portrait.proto.tagging.v1.GetProfileTagsResponse;
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
import io.portrait.proto.tagging.v1.MutinyTagCatalogGrpc.MutinyTagCatalogStub;
import io.portrait.proto.tagging.v1.MutinyTaggingGrpc.MutinyTaggingStub;
import io.portrait.proto.tagging.v1.PublishTagRequest;
import io.portrait.proto.tagging.v1.PublishTagResponse;
import io.portrait.proto.tagging.v1.RemoveTagRequest;
import io.portrait.proto.tagging.v1.RemoveTagResponse;
import io.portrait.proto.tagging.v1.RetireTagRequest;
import io.portrait.proto.tagging.v1.RetireTagResponse;
import io.portrait.proto.tagging.v1.ReviseTagRequest;
import io.portrait.proto.tagging.v1.ReviseTagResponse;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.TimeUnit;

/** Tagging's tag catalog and profile tags, each call with its own deadline. */
@ApplicationScoped
public class TaggingClient {

    private final MutinyTagCatalogStub catalog;
    private final MutinyTaggingStub tagging;
    private final long deadlineMillis;

    public TaggingClient(@GrpcClient("tagging") MutinyTagCatalogStub catalog,
                         @GrpcClient("tagging") MutinyTaggingStub tagging, GatewayConfig config) {
        this.catalog = catalog;
        this.tagging = tagging;
        this.deadlineMillis = config.callDeadline().toMillis();
    }

    private MutinyTagCatalogStub catalog() {
        return catalog.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }

    public Uni<CreateCategoryResponse> createCategory(CreateCategoryRequest request) {
        return catalog().createCategory(request);
    }

    public Uni<ListCategoriesResponse> listCategories(ListCategoriesRequest request) {
        return catalog().listCategories(request);
    }

    public Uni<CreateTagResponse> createTag(CreateTagRequest request) {
        return catalog().createTag(request);
    }

    public Uni<ReviseTagResponse> reviseTag(ReviseTagRequest request) {
        return catalog().reviseTag(request);
    }

    public Uni<GetTagResponse> getTag(GetTagRequest request) {
        return catalog().getTag(request);
    }

    public Uni<ListTagsResponse> listTags(ListTagsRequest request) {
        return catalog().listTags(request);
    }

    public Uni<PublishTagResponse> publishTag(PublishTagRequest request) {
        return catalog().publishTag(request);
    }

    public Uni<RetireTagResponse> retireTag(RetireTagRequest request) {
        return catalog().retireTag(request);
    }

    public Uni<GetRecomputeJobResponse> recomputeJob(GetRecomputeJobRequest request) {
        return catalog().getRecomputeJob(request);
    }

    public Uni<AssignTagResponse> assignTag(AssignTagRequest request) {
        return catalog().assignTag(request);
    }

    public Uni<RemoveTagResponse> removeTag(RemoveTagRequest request) {
        return catalog().removeTag(request);
    }

    public Uni<ListTagValuesResponse> listTagValues(ListTagValuesRequest request) {
        return catalog().listTagValues(request);
    }

    public Uni<GetTagInsightResponse> tagInsight(GetTagInsightRequest request) {
        return catalog().getTagInsight(request);
    }

    public Uni<GetProfileTagsResponse> profileTags(String workspace, String profileId) {
        return tagging.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
                .getProfileTags(GetProfileTagsRequest.newBuilder().setWorkspace(workspace).setProfileId(profileId)
                        .build());
    }
}
