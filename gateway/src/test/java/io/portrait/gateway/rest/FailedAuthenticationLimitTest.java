package io.portrait.gateway.rest;

import io.portrait.common.testing.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/** OWASP API2 and API4: an address guessing API keys is refused before any lookup once it used its failures up. */
@QuarkusTest
@TestProfile(FailedAuthenticationLimitTest.ThreeFailures.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "gateway"))
class FailedAuthenticationLimitTest {

    public static class ThreeFailures implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("portrait.gateway.auth-failures.burst", "3", "portrait.gateway.auth-failures.per-minute", "1");
        }
    }

    @Test
    void theFourthWrongKeyInARowIsAnsweredTooManyWithRetryAfter() {
        for (int i = 0; i < 3; i++) {
            given().header("X-API-Key", "ptk_guess000000000" + i + "_NotAKeyAtAll000000000000000000000000000000")
                    .when().get("/v1/audit")
                    .then().statusCode(401)
                    .contentType("application/problem+json");
        }

        given().header("X-API-Key", "ptk_guess0000000009_NotAKeyAtAll000000000000000000000000000000")
                .when().get("/v1/audit")
                .then().statusCode(429)
                .contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .body("type", equalTo("/problems/too-many-failed-authentications"));
        // Until the bucket refills the address is refused before any key is looked up, a right one too.
        given().header("X-API-Key", GatewayTestKeys.ADMIN)
                .when().get("/v1/audit")
                .then().statusCode(429);
    }
}
