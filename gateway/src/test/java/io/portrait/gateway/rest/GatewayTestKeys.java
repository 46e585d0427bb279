package io.portrait.gateway.rest;

import io.restassured.http.ContentType;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** Keys made the way an admin makes them: through the API, with the test profile's admin key. */
final class GatewayTestKeys {

    /** The test profile's admin key (application.properties): default workspace, every scope. Test-only. */
    static final String ADMIN = "ptk_testadmin0000001_TestOnlyAdminSecretOfTheGatewayTests0000000";

    private GatewayTestKeys() {
    }

    /** A new key's token. */
    static String create(String workspace, String... scopes) {
        return issue(workspace, null, scopes).get("token").toString();
    }

    static Map<String, Object> issue(String workspace, Integer rateLimit, String... scopes) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", "test " + String.join(" ", scopes),
                "scopes", List.of(scopes), "workspace", workspace));
        if (rateLimit != null) {
            body.put("rateLimit", rateLimit);
        }
        return given().header("X-API-Key", ADMIN).contentType(ContentType.JSON).body(body)
                .when().post("/v1/keys")
                .then().statusCode(201)
                .extract().jsonPath().getMap("$");
    }
}
