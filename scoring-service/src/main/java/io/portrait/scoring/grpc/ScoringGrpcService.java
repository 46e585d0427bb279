package io.portrait.scoring.grpc;

import io.portrait.proto.scoring.v1.GetProfileScoresResponse;
import io.portrait.proto.scoring.v1.GetProfileScoresRequest;
import io.portrait.common.sink.GrpcErrors;
import io.portrait.common.sink.ProtoTimestamps;
import io.portrait.common.sink.SinkRequests;
import io.portrait.proto.scoring.v1.GetProfileValueRequest;
import io.portrait.proto.scoring.v1.GetProfileValueResponse;
import io.portrait.proto.scoring.v1.GetPurchaseSummaryRequest;
import io.portrait.proto.scoring.v1.GetPurchaseSummaryResponse;
import io.portrait.proto.scoring.v1.MonetaryValue;
import io.portrait.proto.scoring.v1.PurchaseSummary;
import io.portrait.proto.scoring.v1.Scoring;
import io.portrait.scoring.domain.ProfileSummary;
import io.portrait.scoring.engine.PurchaseStats;
import io.grpc.Status;
import io.portrait.common.sink.InvalidRequestException;
import io.portrait.proto.scoring.v1.GetModelFitRequest;
import io.portrait.proto.scoring.v1.GetModelFitResponse;
import io.portrait.proto.scoring.v1.ListModelFitsRequest;
import io.portrait.proto.scoring.v1.ListModelFitsResponse;
import io.portrait.proto.scoring.v1.RefitModelsRequest;
import io.portrait.proto.scoring.v1.RefitModelsResponse;
import io.portrait.scoring.service.ModelNotFoundException;
import io.portrait.scoring.service.RefitBusyException;
import io.portrait.scoring.service.ScoreService;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** Scoring's read API. */
@GrpcService
public class ScoringGrpcService implements Scoring {

    private static final int DEFAULT_FITS = 20;
    private static final int MAX_FITS = 100;

    private final ScoreService scores;

    ScoringGrpcService(ScoreService scores) {
        this.scores = scores;
    }

    @Override
    public Uni<GetPurchaseSummaryResponse> getPurchaseSummary(GetPurchaseSummaryRequest request) {
        return GrpcErrors.respond(() -> scores.purchasesOf(
                        SinkRequests.workspace(request.getWorkspace()),
                        SinkRequests.requireId(request.getProfileId(), "profile_id")),
                ScoringGrpcService::toResponse);
    }

    private static GetPurchaseSummaryResponse toResponse(ProfileSummary summary) {
        return GetPurchaseSummaryResponse.newBuilder().setSummary(summary(summary.profileId(), summary.stats())).build();
    }

    private static PurchaseSummary summary(String profileId, PurchaseStats stats) {
        PurchaseSummary.Builder proto = PurchaseSummary.newBuilder()
                .setProfileId(profileId)
                .setOrders(stats.orders())
                .setPurchaseDays(stats.purchaseDays())
                .setFirstPurchase(ProtoTimestamps.toProto(stats.firstPurchase()))
                .setLastPurchase(ProtoTimestamps.toProto(stats.lastPurchase()));
        stats.monetary().forEach((currency, amount) -> proto.addMonetary(MonetaryValue.newBuilder()
                .setCurrency(currency)
                .setAmount(amount.toPlainString())));
        return proto.build();
    }

    @Override
    public Uni<GetProfileScoresResponse> getProfileScores(GetProfileScoresRequest request) {
        return GrpcErrors.respond(() -> scores.scoresOf(
                        SinkRequests.workspace(request.getWorkspace()),
                        SinkRequests.requireId(request.getProfileId(), "profile_id")),
                stored -> GetProfileScoresResponse.newBuilder().setScores(ScoreMapper.scores(stored)).build());
    }

    /** The profile view's scoring part in one call; a part scoring holds nothing for is left unset. */
    @Override
    public Uni<GetProfileValueResponse> getProfileValue(GetProfileValueRequest request) {
        return GrpcErrors.respond(() -> scores.valueOf(
                        SinkRequests.workspace(request.getWorkspace()),
                        SinkRequests.requireId(request.getProfileId(), "profile_id")),
                value -> {
                    GetProfileValueResponse.Builder response = GetProfileValueResponse.newBuilder()
                            .setProfileId(value.profileId());
                    if (value.purchases() != null) {
                        response.setSummary(summary(value.profileId(), value.purchases()));
                    }
                    if (value.score() != null) {
                        response.setScores(ScoreMapper.scores(value.score()));
                    }
                    return response.build();
                });
    }

    @Override
    public Uni<RefitModelsResponse> refitModels(RefitModelsRequest request) {
        return GrpcErrors.respond(() -> known(scores.refitOnDemand(SinkRequests.workspace(request.getWorkspace()))),
                fit -> RefitModelsResponse.newBuilder().setFit(ScoreMapper.fit(fit)).build());
    }

    @Override
    public Uni<GetModelFitResponse> getModelFit(GetModelFitRequest request) {
        return GrpcErrors.respond(() -> known(scores.fit(SinkRequests.workspace(request.getWorkspace()),
                        request.getModelVersion().strip())),
                fit -> GetModelFitResponse.newBuilder().setFit(ScoreMapper.fit(fit)).build());
    }

    @Override
    public Uni<ListModelFitsResponse> listModelFits(ListModelFitsRequest request) {
        return GrpcErrors.respond(() -> {
            int limit = request.getLimit() == 0 ? DEFAULT_FITS : request.getLimit();
            if (limit < 1 || limit > MAX_FITS) {
                throw new InvalidRequestException("limit must be between 1 and " + MAX_FITS);
            }
            String before = request.getBeforeVersion().strip();
            return scores.fits(SinkRequests.workspace(request.getWorkspace()), limit,
                    before.isEmpty() ? null : ScoreService.parseVersion("before_version", before));
        }, fits -> ListModelFitsResponse.newBuilder().addAllFits(fits.stream().map(ScoreMapper::fit).toList()).build());
    }

    /** The failures only model refits and reads raise, as statuses that GrpcErrors passes through. */
    private static <T> Uni<T> known(Uni<T> call) {
        return call.onFailure(RefitBusyException.class).transform(failure ->
                        Status.FAILED_PRECONDITION.withDescription(failure.getMessage()).asRuntimeException())
                .onFailure(ModelNotFoundException.class).transform(failure ->
                        Status.NOT_FOUND.withDescription(failure.getMessage()).asRuntimeException());
    }
}
