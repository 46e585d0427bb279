package io.portrait.gateway.rest;

import io.grpc.Status;
import io.portrait.gateway.client.RecommendationClient;
import io.portrait.proto.recommendation.v1.Basis;
import io.portrait.proto.recommendation.v1.CatalogItem;
import io.portrait.proto.recommendation.v1.RecommendedItem;
import io.portrait.proto.recommendation.v1.SimilarItemsResponse;
import io.quarkus.test.InjectMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.SecurityAttribute;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.ResourceArg;
import io.portrait.common.testing.PostgresTestResource;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.when;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "gateway"))
@TestSecurity(user = "key:test", roles = {"events:write", "profiles:read", "pii:read", "tags:admin", "privacy:admin"},
        attributes = @SecurityAttribute(key = "portrait.workspace", value = "default"))
class RecommendationResourceTest {

    @InjectMock
    RecommendationClient recommendations;

    @Test
    void similarItemsCarryTheirReasonAndWhatTheCatalogKnows() {
        when(recommendations.similarItems("default", "TEA-01", 2, List.of("tea"), null, 50.0))
                .thenReturn(Uni.createFrom().item(SimilarItemsResponse.newBuilder().setModelVersion(4)
                        .addItems(RecommendedItem.newBuilder().setSku("TEA-02").setScore(0.5).setReason("similar to TEA-01")
                                .setBasis(Basis.BASIS_SIMILAR).setBecauseSku("TEA-01").setName("Oolong")
                                .setCategory("tea").setPrice(12.5))
                        .addItems(RecommendedItem.newBuilder().setSku("TEA-09").setScore(0.2)
                                .setReason("popular in tea").setBasis(Basis.BASIS_POPULAR))
                        .build()));

        given().queryParam("limit", 2).queryParam("category", "tea").queryParam("maxPrice", 50)
                .when().get("/v1/items/TEA-01/similar")
                .then().statusCode(200)
                .body("sku", equalTo("TEA-01"))
                .body("modelVersion", equalTo(4))
                .body("items[0].sku", equalTo("TEA-02"))
                .body("items[0].reason", equalTo("similar to TEA-01"))
                .body("items[0].basis", equalTo("similar"))
                .body("items[0].becauseSku", equalTo("TEA-01"))
                .body("items[0].name", equalTo("Oolong"))
                .body("items[0].price", equalTo(12.5f))
                .body("items[1].basis", equalTo("popular"))
                .body("items[1]", not(hasKey("price")))
                .body("items[1]", not(hasKey("becauseSku")));
    }

    @ParameterizedTest
    @CsvSource({
            "limit=0,                   limit",
            "limit=101,                 limit",
            "minPrice=-1,               negative",
            "minPrice=9&maxPrice=3,     above",
    })
    void badQueriesAreAProblem(String query, String mentioned) {
        given().when().get("/v1/items/TEA-01/similar?" + query)
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/invalid-request"))
                .body("detail", containsString(mentioned));
    }

    @Test
    void aLimitOutOfRangeIsWordedAsOnEveryList() {
        given().queryParam("limit", 101).when().get("/v1/items/TEA-01/similar")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("\"limit\" must be between 1 and 100."));
    }

    @Test
    void catalogEntriesAreImportedAsGiven() {
        when(recommendations.importCatalog("default", List.of(
                CatalogItem.newBuilder().setSku("TEA-01").setName("Longjing").setCategory("tea").setBrand("West Lake")
                        .setPrice(128.0).setAvailable(true).build(),
                CatalogItem.newBuilder().setSku("TEA-02").setAvailable(false).build())))
                .thenReturn(Uni.createFrom().item(2));

        given().contentType("application/json")
                .body("""
                        {"items": [{"sku": "TEA-01", "name": "Longjing", "category": "tea", "brand": "West Lake",
                                    "price": 128.0, "available": true},
                                   {"sku": "TEA-02", "available": false}]}""")
                .when().post("/v1/items")
                .then().statusCode(200)
                .body("imported", equalTo(2));
    }

    @Test
    void aCatalogImportWithoutItemsOrRejectedByTheServiceIsAProblem() {
        given().contentType("application/json").body("{\"items\": []}")
                .when().post("/v1/items")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("items"));
        when(recommendations.importCatalog(eq("default"), any())).thenReturn(Uni.createFrom().failure(
                Status.INVALID_ARGUMENT.withDescription("items[0].sku: is required").asRuntimeException()));

        given().contentType("application/json").body("{\"items\": [{\"name\": \"no sku\"}]}")
                .when().post("/v1/items")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("items[0].sku: is required"));
    }

    @Test
    void aRejectionOfTheServiceIsAProblem() {
        when(recommendations.similarItems(eq("default"), any(), anyInt(), any(), any(), any()))
                .thenReturn(Uni.createFrom().failure(Status.UNAVAILABLE.asRuntimeException()));

        given().when().get("/v1/items/TEA-01/similar")
                .then().statusCode(503)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/service-unavailable"));
    }
}
