package io.portrait.gateway.client;

import io.portrait.gateway.config.GatewayConfig;
import io.portrait.proto.scoring.v1.GetModelFitRequest;
import io.portrait.proto.scoring.v1.GetProfileScoresRequest;
import io.portrait.proto.scoring.v1.ListModelFitsRequest;
import io.portrait.proto.scoring.v1.ModelFit;
import io.portrait.proto.scoring.v1.MutinyScoringGrpc.MutinyScoringStub;
import io.portrait.proto.scoring.v1.ProfileScores;
import io.portrait.proto.scoring.v1.RefitModelsRequest;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** Scoring's value scores and model versions. */
@ApplicationScoped
public class ScoringClient {

    private final MutinyScoringStub scoring;
    private final long deadlineMillis;

    public ScoringClient(@GrpcClient("scoring") MutinyScoringStub scoring, GatewayConfig config) {
        this.scoring = scoring;
        this.deadlineMillis = config.callDeadline().toMillis();
    }

    public Uni<ProfileScores> profileScores(String workspace, String profileId) {
        return stub().getProfileScores(GetProfileScoresRequest.newBuilder()
                        .setWorkspace(workspace).setProfileId(profileId).build())
                .map(response -> response.getScores());
    }

    public Uni<ModelFit> refit(String workspace) {
        return stub().refitModels(RefitModelsRequest.newBuilder().setWorkspace(workspace).build())
                .map(response -> response.getFit());
    }

    /** One version ("v3"), or the latest for an empty version. */
    public Uni<ModelFit> fit(String workspace, String version) {
        return stub().getModelFit(GetModelFitRequest.newBuilder()
                        .setWorkspace(workspace).setModelVersion(version).build())
                .map(response -> response.getFit());
    }

    /** Up to {@code limit} versions newest first, only those older than {@code beforeVersion} unless it is empty. */
    public Uni<List<ModelFit>> fits(String workspace, int limit, String beforeVersion) {
        return stub().listModelFits(ListModelFitsRequest.newBuilder().setWorkspace(workspace).setLimit(limit)
                        .setBeforeVersion(beforeVersion).build())
                .map(response -> response.getFitsList());
    }

    private MutinyScoringStub stub() {
        return scoring.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }
}
