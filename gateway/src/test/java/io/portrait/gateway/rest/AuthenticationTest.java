package io.portrait.gateway.rest;

import io.grpc.Status;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.gateway.client.IdentityClient;
import io.portrait.gateway.client.ProfilePartsClient;
import io.portrait.gateway.domain.ApiKey;
import io.portrait.gateway.engine.ApiKeySecrets;
import io.portrait.gateway.repository.ApiKeyRepository;
import io.portrait.proto.identity.v1.Profile;
import io.portrait.proto.tagging.v1.GetProfilePortraitResponse;
import io.portrait.proto.scoring.v1.GetProfileValueResponse;
import io.quarkus.test.InjectMock;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * Authentication and authorization end to end, with real API keys and signed JWTs (OWASP API2 broken
 * authentication, API5 broken function-level authorization, API1 object-level authorization by workspace).
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "gateway"))
class AuthenticationTest {

    @InjectMock
    IdentityClient identity;

    @InjectMock
    ProfilePartsClient parts;

    @Inject
    Pool pool;

    @Inject
    ApiKeyRepository keyRepository;

    @BeforeEach
    void anyProfileExists() {
        when(identity.profile(anyString(), anyString())).thenAnswer(call -> Uni.createFrom().item(
                Profile.newBuilder().setProfileId(call.getArgument(1)).build()));
        when(parts.portrait(any(), any())).thenReturn(Uni.createFrom().item(GetProfilePortraitResponse.getDefaultInstance()));
        when(parts.value(any(), any())).thenReturn(Uni.createFrom().item(GetProfileValueResponse.getDefaultInstance()));
    }

    @Test
    void noCredentialIsA401Problem() {
        given().when().get("/v1/profiles/p-1")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("X-API-Key"))
                .body("type", equalTo("/problems/unauthenticated"));
        verify(identity, never()).profile(anyString(), anyString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"nonsense", "ptk_testadmin0000001_TestOnlyAdminSecretOfTheGatewayTests0000001",
            "ptk_unknownkey000001_TestOnlyAdminSecretOfTheGatewayTests0000000", ""})
    void aWrongKeyIsA401Problem(String key) {
        given().header("X-API-Key", key).when().get("/v1/profiles/p-1")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/unauthenticated"));
    }

    @Test
    void aKeyWithoutTheScopeIsA403Problem() {
        String writer = GatewayTestKeys.create("default", "events:write");
        given().header("X-API-Key", writer).when().get("/v1/profiles/p-1")
                .then().statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/forbidden"));
    }

    @Test
    void aKeyReachesOnlyItsOwnWorkspace() {
        String acme = GatewayTestKeys.create("acme", "profiles:read");
        given().header("X-API-Key", acme).when().get("/v1/profiles/p-1").then().statusCode(200);
        verify(identity).profile("acme", "p-1");
        verify(identity, never()).profile(eq("default"), anyString());
    }

    @Test
    void anUnannotatedEndpointIsClosedToEveryone() {
        given().when().get("/test/unannotated").then().statusCode(401);
        given().header("X-API-Key", GatewayTestKeys.ADMIN).when().get("/test/unannotated")
                .then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    void onlyKeyAdminsManageKeys() {
        String reader = GatewayTestKeys.create("default", "profiles:read", "pii:read", "privacy:admin");
        given().header("X-API-Key", reader).contentType(ContentType.JSON)
                .body("{\"name\": \"escalate\", \"scopes\": [\"keys:admin\"]}")
                .when().post("/v1/keys")
                .then().statusCode(403).contentType("application/problem+json");
        given().header("X-API-Key", reader).when().get("/v1/keys").then().statusCode(403);
    }

    @Test
    void aWorkspaceAdminCannotMintKeysForAnotherWorkspace() {
        String acmeAdmin = GatewayTestKeys.create("acme", "keys:admin", "profiles:read");
        given().header("X-API-Key", acmeAdmin).contentType(ContentType.JSON)
                .body("{\"name\": \"sneaky\", \"scopes\": [\"profiles:read\"], \"workspace\": \"default\"}")
                .when().post("/v1/keys")
                .then().statusCode(403)
                .body("detail", containsString("only for their own workspace"));
        String own = given().header("X-API-Key", acmeAdmin).contentType(ContentType.JSON)
                .body("{\"name\": \"acme app\", \"scopes\": [\"profiles:read\"]}")
                .when().post("/v1/keys")
                .then().statusCode(201)
                .body("workspace", equalTo("acme"))
                .extract().path("id");
        // Nor see, rotate or revoke the keys of another workspace.
        String defaultKey = GatewayTestKeys.issue("default", null, "profiles:read").get("id").toString();
        given().header("X-API-Key", acmeAdmin).when().get("/v1/keys/" + defaultKey).then().statusCode(404);
        given().header("X-API-Key", acmeAdmin).when().post("/v1/keys/" + defaultKey + "/rotate").then().statusCode(404);
        given().header("X-API-Key", acmeAdmin).when().delete("/v1/keys/" + defaultKey).then().statusCode(404);
        given().header("X-API-Key", acmeAdmin).when().get("/v1/keys")
                .then().statusCode(200)
                .body("items.id", hasItem(own))
                .body("items.id", not(hasItem(defaultKey)))
                .body("items.workspace", not(hasItem("default")));
    }

    @Test
    void aKeyAdminGrantsOnlyScopesItHolds() {
        String keyAdmin = GatewayTestKeys.create("default", "keys:admin", "profiles:read");
        given().header("X-API-Key", keyAdmin).contentType(ContentType.JSON)
                .body("{\"name\": \"escalate\", \"scopes\": [\"profiles:read\", \"pii:read\", \"privacy:admin\"]}")
                .when().post("/v1/keys")
                .then().statusCode(403).contentType("application/problem+json")
                .body("detail", containsString("does not hold pii:read, privacy:admin"));
        given().header("X-API-Key", keyAdmin).contentType(ContentType.JSON)
                .body("{\"name\": \"front end\", \"scopes\": [\"profiles:read\"]}")
                .when().post("/v1/keys")
                .then().statusCode(201);
    }

    @Test
    void keyRequestsAreChecked() {
        given().header("X-API-Key", GatewayTestKeys.ADMIN).contentType(ContentType.JSON)
                .body("{\"name\": \"x\", \"scopes\": [\"root\"]}")
                .when().post("/v1/keys")
                .then().statusCode(400).body("detail", containsString("Unknown scope \"root\""));
        given().header("X-API-Key", GatewayTestKeys.ADMIN).contentType(ContentType.JSON)
                .body("{\"scopes\": [\"profiles:read\"]}")
                .when().post("/v1/keys")
                .then().statusCode(400).body("detail", containsString("\"name\""));
    }

    @Test
    void rotatingReplacesTheSecretAndRevokingEndsTheKey() {
        var issued = GatewayTestKeys.issue("default", null, "profiles:read");
        String id = issued.get("id").toString();
        String first = issued.get("token").toString();
        given().header("X-API-Key", first).when().get("/v1/profiles/p-1").then().statusCode(200);

        String second = given().header("X-API-Key", GatewayTestKeys.ADMIN)
                .when().post("/v1/keys/" + id + "/rotate")
                .then().statusCode(200)
                .body("id", equalTo(id))
                .body("rotatedAt", not(nullValue()))
                .extract().path("token");
        assertThat(second).isNotEqualTo(first).startsWith("ptk_" + id + "_");
        given().header("X-API-Key", first).when().get("/v1/profiles/p-1").then().statusCode(401);
        given().header("X-API-Key", second).when().get("/v1/profiles/p-1").then().statusCode(200);

        given().header("X-API-Key", GatewayTestKeys.ADMIN).when().delete("/v1/keys/" + id)
                .then().statusCode(200).body("revokedAt", not(nullValue())).body("$", not(org.hamcrest.Matchers.hasKey("token")));
        given().header("X-API-Key", second).when().get("/v1/profiles/p-1").then().statusCode(401);
        given().header("X-API-Key", GatewayTestKeys.ADMIN).when().post("/v1/keys/" + id + "/rotate").then().statusCode(404);
    }

    @Test
    void onlyAHashOfTheSecretIsStored() {
        var issued = GatewayTestKeys.issue("default", null, "profiles:read");
        String token = issued.get("token").toString();
        String secret = token.substring(token.lastIndexOf('_') + 1);
        Row row = pool.preparedQuery("select * from api_key where id = $1")
                .execute(Tuple.of(issued.get("id"))).await().indefinitely().iterator().next();
        for (int i = 0; i < row.size(); i++) {
            Object value = row.getValue(i);
            String text = value instanceof io.vertx.core.buffer.Buffer buffer
                    ? buffer.toString(StandardCharsets.ISO_8859_1) : String.valueOf(value);
            assertThat(text).as(row.getColumnName(i)).doesNotContain(secret);
        }
        given().header("X-API-Key", GatewayTestKeys.ADMIN).when().get("/v1/keys")
                .then().statusCode(200)
                .body(not(containsString(secret)))
                .body("items.token", everyItemNull());
    }

    private static org.hamcrest.Matcher<Iterable<? extends Object>> everyItemNull() {
        return org.hamcrest.Matchers.everyItem(nullValue());
    }

    @Test
    void aSignedJwtWithScopeAndWorkspaceIsACaller() {
        String token = Jwt.issuer("portrait").audience("portrait").subject("crm-app").claim("scope", "profiles:read events:write")
                .claim("workspace", "acme").expiresIn(300).sign();
        given().auth().oauth2(token).when().get("/v1/profiles/p-2").then().statusCode(200);
        verify(identity).profile("acme", "p-2");
        given().auth().oauth2(token).when().get("/v1/keys").then().statusCode(403);
    }

    @Test
    void jwtsThatAreExpiredForeignForAnotherAudienceOrWithoutWorkspaceAre401() {
        String expired = Jwt.issuer("portrait").audience("portrait").subject("a").claim("scope", "profiles:read").claim("workspace", "acme")
                .issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600)).sign();
        String otherIssuer = Jwt.issuer("someone-else").audience("portrait").subject("a").claim("scope", "profiles:read")
                .claim("workspace", "acme").expiresIn(300).sign();
        String noWorkspace = Jwt.issuer("portrait").audience("portrait").subject("a").claim("scope", "profiles:read")
                .expiresIn(300).sign();
        // Issued by the same provider to another application.
        String otherAudience = Jwt.issuer("portrait").audience("billing-app").subject("a")
                .claim("scope", "profiles:read").claim("workspace", "acme").expiresIn(300).sign();
        String noAudience = Jwt.issuer("portrait").subject("a").claim("scope", "profiles:read")
                .claim("workspace", "acme").expiresIn(300).sign();
        String unsigned = Jwt.issuer("portrait").audience("portrait").subject("a").claim("scope", "profiles:read")
                .claim("workspace", "acme").expiresIn(300)
                .signWithSecret("a-shared-secret-nobody-configured-for-portrait-0123456789");
        for (String token : List.of(expired, otherIssuer, noWorkspace, otherAudience, noAudience, unsigned)) {
            given().auth().oauth2(token).when().get("/v1/profiles/p-3")
                    .then().statusCode(401).contentType("application/problem+json");
        }
        verify(identity, never()).profile(anyString(), eq("p-3"));
    }

    @Test
    void keyChangesAreAudited() {
        String id = GatewayTestKeys.issue("default", null, "profiles:read").get("id").toString();
        given().header("X-API-Key", GatewayTestKeys.ADMIN).when().delete("/v1/keys/" + id).then().statusCode(200);
        given().header("X-API-Key", GatewayTestKeys.ADMIN).queryParam("target", id)
                .when().get("/v1/audit")
                .then().statusCode(200)
                .body("items.action", org.hamcrest.Matchers.contains("key.revoked", "key.created"))
                .body("items[0].actor", equalTo("key:testadmin0000001"));
    }

    @Test
    void aKeyOverItsRateGetsA429WithRetryAfter() {
        String slow = GatewayTestKeys.issue("default", 1, "profiles:read").get("token").toString();
        List<Integer> statuses = new java.util.ArrayList<>();
        String retryAfter = null;
        for (int i = 0; i < 8; i++) {
            var response = given().header("X-API-Key", slow).when().get("/v1/profiles/p-4");
            statuses.add(response.statusCode());
            if (response.statusCode() == 429) {
                retryAfter = response.header("Retry-After");
                assertThat(response.contentType()).startsWith("application/problem+json");
            }
        }
        assertThat(statuses).contains(200, 429);
        assertThat(Integer.parseInt(retryAfter)).isPositive();
    }

    @Test
    void aConfiguredKeyAnAdminRevokedStaysRevokedAcrossRestartsUntilItGetsANewSecret() {
        java.util.function.Function<String, ApiKey> configured = secret -> new ApiKey("cfgkey0000000001", "default",
                "admin", List.of("profiles:read"), null, ApiKeySecrets.hash(secret), Instant.now(),
                "configuration", null, null);
        keyRepository.upsert(configured.apply("first-secret")).await().indefinitely();
        keyRepository.revoke("default", "cfgkey0000000001", Instant.now()).await().indefinitely();

        // The gateway starts again with the same configured key.
        keyRepository.upsert(configured.apply("first-secret")).await().indefinitely();
        assertThat(keyRepository.find("cfgkey0000000001").await().indefinitely())
                .hasValueSatisfying(key -> assertThat(key.active()).isFalse());

        keyRepository.upsert(configured.apply("a-new-secret")).await().indefinitely();
        assertThat(keyRepository.find("cfgkey0000000001").await().indefinitely())
                .hasValueSatisfying(key -> assertThat(key.active()).isTrue());
    }
}
