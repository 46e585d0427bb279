package io.portrait.recommendation.grpc;

import io.portrait.common.sink.SinkRequests;
import io.portrait.proto.recommendation.v1.Basis;
import io.portrait.proto.recommendation.v1.CatalogItem;
import io.portrait.proto.recommendation.v1.ImportCatalogRequest;
import io.portrait.proto.recommendation.v1.ImportCatalogResponse;
import io.portrait.proto.recommendation.v1.RebuildModelRequest;
import io.portrait.proto.recommendation.v1.RebuildModelResponse;
import io.portrait.proto.recommendation.v1.RecommendRequest;
import io.portrait.proto.recommendation.v1.RecommendResponse;
import io.portrait.proto.recommendation.v1.RecommendedItem;
import io.portrait.proto.recommendation.v1.Recommendation;
import io.portrait.proto.recommendation.v1.SimilarItemsRequest;
import io.portrait.proto.recommendation.v1.SimilarItemsResponse;
import io.portrait.recommendation.domain.ProductDetails;
import io.portrait.recommendation.domain.Workspaces;
import io.portrait.recommendation.engine.ItemModel;
import io.portrait.recommendation.engine.Recommendations;
import io.portrait.recommendation.engine.ScoredItem;
import io.portrait.recommendation.service.CatalogService;
import io.portrait.recommendation.service.ListOptions;
import io.portrait.recommendation.service.ModelService;
import io.portrait.recommendation.service.RankingService;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

import java.util.List;

/** Next best offers for a profile, similar items for an item, catalog imports and model rebuilds. */
@GrpcService
public class RecommendationGrpcService implements Recommendation {

    private final RankingService ranking;
    private final CatalogService catalog;
    private final ModelService models;

    RecommendationGrpcService(RankingService ranking, CatalogService catalog, ModelService models) {
        this.ranking = ranking;
        this.catalog = catalog;
        this.models = models;
    }

    @Override
    public Uni<RecommendResponse> recommend(RecommendRequest request) {
        return Uni.createFrom().deferred(() -> {
                    SinkRequests.withoutNul(request);
                    ListOptions options = new ListOptions(request.getCategoriesList(),
                            request.hasMinPrice() ? request.getMinPrice() : null,
                            request.hasMaxPrice() ? request.getMaxPrice() : null,
                            request.getSegmentsList(), request.getPreferencesList());
                    return models.current(Workspaces.normalize(request.getWorkspace())).chain(model -> ranking
                            .recommend(request.getWorkspace(), request.getProfileId(), request.getLimit(), options)
                            .map(recommendations -> RecommendResponse.newBuilder()
                                    .setPersonalized(recommendations.personalized())
                                    .setModelVersion(recommendations.modelVersion())
                                    .setDegraded(recommendations.degraded() == null ? "" : recommendations.degraded())
                                    .setNonPersonalizedReason(recommendations.nonPersonalizedReason() == null ? ""
                                            : recommendations.nonPersonalizedReason())
                                    .addAllItems(items(model, recommendations))
                                    .build()));
                })
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<SimilarItemsResponse> similarItems(SimilarItemsRequest request) {
        return Uni.createFrom().deferred(() -> {
                    SinkRequests.withoutNul(request);
                    ListOptions options = new ListOptions(request.getCategoriesList(),
                            request.hasMinPrice() ? request.getMinPrice() : null,
                            request.hasMaxPrice() ? request.getMaxPrice() : null, List.of(), List.of());
                    return models.current(Workspaces.normalize(request.getWorkspace())).chain(model -> ranking
                            .similar(request.getWorkspace(), request.getSku(), request.getLimit(), options)
                            .map(recommendations -> SimilarItemsResponse.newBuilder()
                                    .setModelVersion(recommendations.modelVersion())
                                    .addAllItems(items(model, recommendations))
                                    .build()));
                })
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<ImportCatalogResponse> importCatalog(ImportCatalogRequest request) {
        return Uni.createFrom().deferred(() -> {
                    SinkRequests.withoutNul(request);
                    return catalog.importItems(request.getWorkspace(),
                            request.getItemsList().stream().map(RecommendationGrpcService::toDetails).toList());
                })
                .map(imported -> ImportCatalogResponse.newBuilder().setImported(imported).build())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<RebuildModelResponse> rebuildModel(RebuildModelRequest request) {
        return Uni.createFrom().deferred(() -> models.rebuild(request.getWorkspace()))
                .map(model -> RebuildModelResponse.newBuilder()
                        .setVersion(model.version())
                        .setProfiles(model.profiles())
                        .setItems(model.size())
                        .setPairs(model.pairs())
                        .build())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    private static List<RecommendedItem> items(ItemModel model, Recommendations recommendations) {
        return recommendations.items().stream().map(item -> toProto(model, item)).toList();
    }

    private static RecommendedItem toProto(ItemModel model, ScoredItem item) {
        RecommendedItem.Builder proto = RecommendedItem.newBuilder()
                .setSku(item.sku())
                .setScore(item.score())
                .setReason(item.reason())
                .setBasis(switch (item.basis()) {
                    case HISTORY -> Basis.BASIS_HISTORY;
                    case SIMILAR -> Basis.BASIS_SIMILAR;
                    case POPULAR -> Basis.BASIS_POPULAR;
                });
        if (item.because() != null) {
            proto.setBecauseSku(item.because());
        }
        var entry = model.item(item.sku());
        if (entry.name() != null) {
            proto.setName(entry.name());
        }
        if (entry.category() != null) {
            proto.setCategory(entry.category());
        }
        if (entry.brand() != null) {
            proto.setBrand(entry.brand());
        }
        if (entry.price() != null) {
            proto.setPrice(entry.price());
        }
        return proto.build();
    }

    private static ProductDetails toDetails(CatalogItem item) {
        return new ProductDetails(item.getSku().trim(), blankToNull(item.getName()), blankToNull(item.getCategory()),
                blankToNull(item.getBrand()), item.hasPrice() ? item.getPrice() : null,
                item.hasAvailable() ? item.getAvailable() : null);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}
