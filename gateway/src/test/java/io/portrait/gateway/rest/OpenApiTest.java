package io.portrait.gateway.rest;

import io.portrait.common.testing.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "gateway"))
class OpenApiTest {

    @Test
    void documentsThePublicApi() {
        given().queryParam("format", "json")
                .when().get("/q/openapi")
                .then().statusCode(200)
                .body(containsString("/v1/events"))
                .body(containsString("/v1/profiles/lookup"))
                .body(containsString("\"EventBatch\""));
    }

    @Test
    void documentsTheSegmentCompatibleIntakeAndItsBasicCredentials() {
        io.restassured.path.json.JsonPath api = given().queryParam("format", "json")
                .when().get("/q/openapi")
                .then().statusCode(200).extract().jsonPath();

        java.util.Map<String, Object> paths = api.getMap("paths");
        assertThat(paths.keySet().stream().filter(path -> path.startsWith("/compat/")).sorted())
                .containsExactly("/compat/segment/v1/{kind}", "/compat/segment/v1/{type}");
        assertThat(api.getString("paths.'/compat/segment/v1/{kind}'.post.responses.'200'.content.'application/json'.schema.'$ref'"))
                .isEqualTo("#/components/schemas/SegmentCompatResult");
        assertThat(api.getString("components.securitySchemes.segmentWriteKey.scheme")).isEqualTo("basic");
        assertThat(api.getList("paths.'/compat/segment/v1/{type}'.post.security", java.util.Map.class))
                .anySatisfy(requirement -> assertThat(requirement).containsKey("segmentWriteKey"));
    }

    @Test
    void errorsAndEveryAnswerBuiltByHandHaveTheirSchemas() {
        io.restassured.path.json.JsonPath api = given().queryParam("format", "json")
                .when().get("/q/openapi")
                .then().statusCode(200).extract().jsonPath();

        assertThat(api.getList("components.schemas.Problem.required", String.class))
                .containsExactly("type", "title", "status");
        assertThat(api.getString("paths.'/v1/events'.post.responses.'422'.content.'application/problem+json'.schema.'$ref'"))
                .isEqualTo("#/components/schemas/Problem");
        assertThat(api.getString("paths.'/v1/keys'.post.responses.'201'.content.'application/json'.schema.'$ref'"))
                .isEqualTo("#/components/schemas/IssuedApiKey");
        assertThat(api.getString("paths.'/v1/imports'.post.responses.'201'.content.'application/json'.schema.'$ref'"))
                .isEqualTo("#/components/schemas/Import");
        assertThat(api.getString("paths.'/v1/profiles/{id}'.delete.responses.'202'.content.'application/json'.schema.'$ref'"))
                .isEqualTo("#/components/schemas/ErasureReceipt");
        assertThat(api.getString("paths.'/v1/profiles/{id}/export'.get.responses.'200'.content.'application/json'.schema.'$ref'"))
                .isEqualTo("#/components/schemas/ProfileExport");
        // No error answer is left without its schema.
        java.util.Map<String, java.util.Map<String, Object>> paths = api.getMap("paths");
        java.util.List<String> untyped = new java.util.ArrayList<>();
        paths.forEach((path, operations) -> operations.forEach((method, operation) -> {
            if (!(operation instanceof java.util.Map<?, ?> op) || !(op.get("responses") instanceof java.util.Map<?, ?> responses)) {
                return;
            }
            responses.forEach((code, response) -> {
                if (String.valueOf(code).compareTo("400") >= 0 && response instanceof java.util.Map<?, ?> answer
                        && answer.get("content") instanceof java.util.Map<?, ?> content
                        && content.get("application/problem+json") instanceof java.util.Map<?, ?> problem
                        && problem.get("schema") == null) {
                    untyped.add(method + " " + path + " " + code);
                }
            });
        }));
        assertThat(untyped).isEmpty();
    }

    @Test
    void everyListAnswersTheEnvelopeOfItsItems() {
        io.restassured.path.json.JsonPath api = given().queryParam("format", "json")
                .when().get("/q/openapi")
                .then().statusCode(200).extract().jsonPath();

        java.util.Map<String, String> items = java.util.Map.ofEntries(
                java.util.Map.entry("/v1/tracking-plans", "TrackingPlan"),
                java.util.Map.entry("/v1/identity/profiles/{id}/merges", "MergeView"),
                java.util.Map.entry("/v1/scoring/models", "ModelFitView"),
                java.util.Map.entry("/v1/quarantine", "QuarantinedEvent"),
                java.util.Map.entry("/v1/dead-letters", "DeadLetter"),
                java.util.Map.entry("/v1/keys", "ApiKey"),
                java.util.Map.entry("/v1/segments/{code}/members", "AudienceMember"),
                java.util.Map.entry("/v1/imports", "Import"),
                java.util.Map.entry("/v1/identity/reviews", "ReviewView"),
                java.util.Map.entry("/v1/audit", "AuditEntry"),
                java.util.Map.entry("/v1/profiles/{id}/export/events", "TimelineEvent"),
                java.util.Map.entry("/v1/segments", "Segment"),
                java.util.Map.entry("/v1/segments/{code}/changes", "Change"),
                java.util.Map.entry("/v1/tags", "Definition"),
                java.util.Map.entry("/v1/tags/categories", "Category"));
        items.forEach((path, item) -> {
            String envelope = api.getString("paths.'" + path + "'.get.responses.'200'.content.'application/json'.schema.'$ref'");
            assertThat(envelope).as(path).startsWith("#/components/schemas/Page");
            String schema = "components.schemas.'" + envelope.substring("#/components/schemas/".length()) + "'";
            assertThat(api.getString(schema + ".properties.items.type")).as(path).isEqualTo("array");
            assertThat(api.getString(schema + ".properties.items.items.'$ref'")).as(path)
                    .isEqualTo("#/components/schemas/" + item);
            assertThat(api.getString(schema + ".properties.next.type")).as(path).isEqualTo("string");
        });
        assertThat(api.getList("paths.'/v1/identity/profiles/{id}/merges'.get.parameters.name", String.class))
                .contains("limit", "cursor");
        assertThat(api.getList("paths.'/v1/scoring/models'.get.parameters.name", String.class))
                .contains("limit", "cursor");
    }

    @Test
    void everyPagedListDescribesItsLimitAndCursorAlike() {
        io.restassured.path.json.JsonPath api = given().queryParam("format", "json")
                .when().get("/q/openapi")
                .then().statusCode(200).extract().jsonPath();

        java.util.List<String> paged = java.util.List.of("/v1/profiles/{id}/events", "/v1/audit",
                "/v1/identity/profiles/{id}/merges", "/v1/identity/reviews", "/v1/scoring/models", "/v1/quarantine",
                "/v1/dead-letters", "/v1/segments/{code}/members", "/v1/segments/{code}/changes",
                "/v1/tags/{code}/values", "/v1/tags", "/v1/tags/categories", "/v1/segments");
        paged.forEach(path -> {
            String parameters = "paths.'" + path + "'.get.parameters";
            assertThat(api.getString(parameters + ".find { it.name == 'cursor' }.description")).as(path)
                    .isEqualTo(Paging.CURSOR);
            assertThat(api.getString(parameters + ".find { it.name == 'limit' }.description")).as(path)
                    .startsWith(Paging.LIMIT).matches(".* 1 to \\d+, default \\d+\\.");
        });
        // The export's events page by cursor alike, in pages of a fixed size: no limit to describe.
        assertThat(api.getList("paths.'/v1/profiles/{id}/export/events'.get.parameters.name", String.class))
                .containsExactlyInAnyOrder("id", "cursor");
        assertThat(api.getString("paths.'/v1/profiles/{id}/export/events'.get.parameters"
                + ".find { it.name == 'cursor' }.description")).isEqualTo(Paging.CURSOR);
        assertThat(api.getList("paths.'/v1/segments/{code}/changes'.get.parameters.name", String.class))
                .containsExactlyInAnyOrder("code", "limit", "cursor", "after");
        assertThat(api.getBoolean("paths.'/v1/segments/{code}/changes'.get.parameters"
                + ".find { it.name == 'after' }.deprecated")).isTrue();
    }

    @Test
    void answersHealthProbes() {
        given().when().get("/q/health/live").then().statusCode(200);
        given().when().get("/q/health/ready").then().statusCode(200);
    }
}
