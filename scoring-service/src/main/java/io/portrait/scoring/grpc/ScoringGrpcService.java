package io.portrait.scoring.grpc;

import io.portrait.proto.scoring.v1.GetProfileScoresResponse;
import io.portrait.proto.scoring.v1.GetProfileScoresRequest;
import io.portrait.common.sink.GrpcErrors;
import io.portrait.common.sink.ProtoTimestamps;
import io.portrait.common.sink.SinkRequests;
import io.portrait.proto.scoring.v1.GetPurchaseSummaryRequest;
import io.portrait.proto.scoring.v1.GetPurchaseSummaryResponse;
import io.portrait.proto.scoring.v1.MonetaryValue;
import io.portrait.proto.scoring.v1.PurchaseSummary;
import io.portrait.proto.scoring.v1.Scoring;
import io.portrait.scoring.domain.ProfileSummary;
import io.portrait.scoring.engine.PurchaseStats;
import io.portrait.scoring.service.PurchaseService;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** Scoring's read API. */
@GrpcService
public class ScoringGrpcService implements Scoring {

    private final PurchaseService purchases;

    ScoringGrpcService(PurchaseService purchases) {
        this.purchases = purchases;
    }

    @Override
    public Uni<GetPurchaseSummaryResponse> getPurchaseSummary(GetPurchaseSummaryRequest request) {
        return GrpcErrors.respond(() -> purchases.summaryOf(
                        SinkRequests.workspace(request.getWorkspace()),
                        SinkRequests.requireId(request.getProfileId(), "profile_id")),
                ScoringGrpcService::toResponse);
    }

    private static GetPurchaseSummaryResponse toResponse(ProfileSummary summary) {
        PurchaseStats stats = summary.stats();
        PurchaseSummary.Builder proto = PurchaseSummary.newBuilder()
                .setProfileId(summary.profileId())
                .setOrders(stats.orders())
                .setPurchaseDays(stats.purchaseDays())
                .setFirstPurchase(ProtoTimestamps.toProto(stats.firstPurchase()))
                .setLastPurchase(ProtoTimestamps.toProto(stats.lastPurchase()));
        stats.monetary().forEach((currency, amount) -> proto.addMonetary(MonetaryValue.newBuilder()
                .setCurrency(currency)
                .setAmount(amount.toPlainString())));
        return GetPurchaseSummaryResponse.newBuilder().setSummary(proto).build();
    }

    @Override
    public Uni<GetProfileScoresResponse> getProfileScores(GetProfileScoresRequest request) {
        // Contract agreed ahead of its implementation, which lands with this service's issue.
        return Uni.createFrom().failure(io.grpc.Status.UNIMPLEMENTED.asRuntimeException());
    }
}
