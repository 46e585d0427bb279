package io.portrait.tagging.grpc;

import io.portrait.proto.tagging.v1.PutModelScoresResponse;
import io.portrait.proto.tagging.v1.PutModelScoresRequest;
import io.portrait.proto.tagging.v1.GetProfileTagsResponse;
import io.portrait.proto.tagging.v1.GetProfileTagsRequest;
import io.portrait.proto.tagging.v1.GetProfilePortraitRequest;
import io.portrait.proto.tagging.v1.GetProfilePortraitResponse;
import io.portrait.tagging.engine.EventCounts;
import io.portrait.tagging.repository.SegmentRepository;
import io.portrait.common.sink.GrpcErrors;
import io.portrait.common.sink.ProtoTimestamps;
import io.portrait.common.sink.SinkRequests;
import io.portrait.proto.tagging.v1.EventFeature;
import io.portrait.proto.tagging.v1.GetProfileFeaturesRequest;
import io.portrait.proto.tagging.v1.GetProfileFeaturesResponse;
import io.portrait.proto.tagging.v1.Tagging;
import io.portrait.tagging.domain.ProfileFeatures;
import io.portrait.tagging.service.FeatureService;
import io.portrait.common.sink.InvalidRequestException;
import io.portrait.proto.tagging.v1.SegmentMembership;
import io.portrait.proto.tagging.v1.TagValue;
import io.portrait.tagging.service.ProfileTagService;
import io.quarkus.grpc.GrpcService;

import java.time.Instant;
import java.util.List;
import io.smallrye.mutiny.Uni;

/**
 * Tagging's profile API: features, tags with their reasons, both at once for the profile view, and model scores
 * pushed by scoring.
 */
@GrpcService
public class TaggingGrpcService implements Tagging {

    /** Scores per PutModelScores call: a page of a model run, one transaction. */
    static final int MAX_SCORES = 10_000;

    private final FeatureService features;
    private final ProfileTagService profileTags;

    TaggingGrpcService(FeatureService features, ProfileTagService profileTags) {
        this.features = features;
        this.profileTags = profileTags;
    }

    @Override
    public Uni<GetProfileFeaturesResponse> getProfileFeatures(GetProfileFeaturesRequest request) {
        return GrpcErrors.respond(() -> features.featuresOf(
                        SinkRequests.workspace(request.getWorkspace()),
                        SinkRequests.requireId(request.getProfileId(), "profile_id")),
                TaggingGrpcService::toResponse);
    }

    private static GetProfileFeaturesResponse toResponse(ProfileFeatures features) {
        GetProfileFeaturesResponse.Builder response = GetProfileFeaturesResponse.newBuilder()
                .setProfileId(features.profileId());
        features.counters().forEach((name, counts) -> response.addEvents(feature(name, counts)));
        return response.build();
    }

    @Override
    public Uni<GetProfileTagsResponse> getProfileTags(GetProfileTagsRequest request) {
        return TagGrpcErrors.respond(() -> profileTags.tagsOf(SinkRequests.workspace(request.getWorkspace()),
                        SinkRequests.requireId(request.getProfileId(), "profile_id")),
                tags -> GetProfileTagsResponse.newBuilder()
                        .setProfileId(tags.profileId())
                        .addAllTags(tags.tags().stream().map(TaggingGrpcService::tag).toList())
                        .addAllSegments(tags.segments().stream().map(TaggingGrpcService::segment).toList())
                        .build());
    }

    /** The profile view's tagging part in one call; never NOT_FOUND, a profile without data has empty lists. */
    @Override
    public Uni<GetProfilePortraitResponse> getProfilePortrait(GetProfilePortraitRequest request) {
        return TagGrpcErrors.respond(() -> profileTags.portraitOf(SinkRequests.workspace(request.getWorkspace()),
                        SinkRequests.requireId(request.getProfileId(), "profile_id")),
                portrait -> {
                    GetProfilePortraitResponse.Builder out = GetProfilePortraitResponse.newBuilder()
                            .setProfileId(portrait.profileId());
                    portrait.features().forEach((name, counts) -> out.addEvents(feature(name, counts)));
                    portrait.tags().forEach(tag -> out.addTags(tag(tag)));
                    portrait.segments().forEach(segment -> out.addSegments(segment(segment)));
                    return out.build();
                });
    }

    private static EventFeature feature(String name, EventCounts counts) {
        return EventFeature.newBuilder()
                .setName(name)
                .setCount(counts.count())
                .setFirstAt(ProtoTimestamps.toProto(counts.firstAt()))
                .setLastAt(ProtoTimestamps.toProto(counts.lastAt()))
                .build();
    }

    static TagValue tag(ProfileTagService.ServedTag tag) {
        return TagValue.newBuilder()
                .setCode(tag.definition().code())
                .setName(tag.definition().name())
                .setValue(tag.value().value())
                .setValueType(tag.definition().valueType())
                .setVersion(tag.value().version())
                .setReason(tag.value().reason())
                .setUpdatedAt(ProtoTimestamps.toProto(tag.value().updatedAt()))
                .build();
    }

    private static SegmentMembership segment(SegmentRepository.Membership segment) {
        return SegmentMembership.newBuilder().setCode(segment.code()).setName(segment.name())
                .setSince(ProtoTimestamps.toProto(segment.since())).build();
    }

    @Override
    public Uni<PutModelScoresResponse> putModelScores(PutModelScoresRequest request) {
        return TagGrpcErrors.respond(() -> {
                    String workspace = SinkRequests.workspace(request.getWorkspace());
                    String code = SinkRequests.requireId(request.getTagCode(), "tag_code");
                    Instant computedAt = request.hasComputedAt()
                            ? ProtoTimestamps.toInstant(request.getComputedAt()).orElseThrow(() ->
                            new InvalidRequestException("computed_at is out of range"))
                            : Instant.now();
                    if (request.getScoresCount() > MAX_SCORES) {
                        throw new InvalidRequestException("scores: at most " + MAX_SCORES + " per call");
                    }
                    List<ProfileTagService.ModelScore> scores = SinkRequests.each(request.getScoresList(), "scores",
                            (score, path) -> new ProfileTagService.ModelScore(
                                    SinkRequests.requireId(score.getProfileId(), path + ".profile_id"),
                                    score.getValue(), score.getScore()));
                    if (request.getClearedProfileIdsCount() > MAX_SCORES) {
                        throw new InvalidRequestException("cleared_profile_ids: at most " + MAX_SCORES + " per call");
                    }
                    List<String> cleared = SinkRequests.each(request.getClearedProfileIdsList(), "cleared_profile_ids",
                            SinkRequests::requireId);
                    return profileTags.putModelScores(workspace, code, request.getModelVersion(), computedAt, scores,
                            cleared);
                },
                applied -> PutModelScoresResponse.newBuilder().setApplied(applied).build());
    }
}
