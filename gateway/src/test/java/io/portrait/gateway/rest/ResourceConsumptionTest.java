package io.portrait.gateway.rest;

import io.portrait.common.testing.PostgresTestResource;
import io.portrait.gateway.client.IngestionClient;
import io.quarkus.test.InjectMock;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/** OWASP API4 (unrestricted resource consumption): bodies, pages and request rates are bounded. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "gateway"))
class ResourceConsumptionTest {

    @InjectMock
    IngestionClient ingestion;

    @Test
    void aBodyOverTheHttpLimitIsRefusedBeforeItIsRead() {
        byte[] body = new byte[2 * 1024 * 1024];
        java.util.Arrays.fill(body, (byte) ' ');
        given().header("X-API-Key", GatewayTestKeys.ADMIN).contentType(ContentType.JSON).body(body)
                .when().post("/v1/events")
                .then().statusCode(413)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/payload-too-large"))
                .body("limit", equalTo(1024 * 1024));
        verify(ingestion, never()).ingest(any());
    }

    @Test
    void aBatchOverItsOwnCapIsRefused() {
        byte[] body = new byte[600_000];
        java.util.Arrays.fill(body, (byte) ' ');
        given().header("X-API-Key", GatewayTestKeys.ADMIN).contentType(ContentType.JSON).body(body)
                .when().post("/v1/events")
                .then().statusCode(413)
                .contentType("application/problem+json")
                .body("detail", containsString("512000"));
        verify(ingestion, never()).ingest(any());
    }

    @Test
    void auditPagesAreCapped() {
        given().header("X-API-Key", GatewayTestKeys.ADMIN).queryParam("limit", 100_000)
                .when().get("/v1/audit")
                .then().statusCode(400)
                .body("detail", containsString("between 1 and 500"));
    }
}
