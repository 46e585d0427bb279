package io.portrait.launcher.suite;

import com.fasterxml.jackson.databind.JsonNode;
import io.portrait.launcher.demo.DemoLoader;
import io.portrait.launcher.demo.DemoTaxonomy;
import io.portrait.launcher.demo.RetailRow;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.StreamSupport;
import java.time.Duration;
import java.io.OutputStream;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

/** The packaged suite on embedded stores, driven through the gateway like a front end. */
@ExtendWith(RunningSuite.class)
class SuiteIT {

    private static Suite suite;

    @BeforeAll
    static void pointAtGateway() {
        suite = RunningSuite.suite();
        RestAssured.baseURI = suite.gatewayUrl();
        RestAssured.requestSpecification = new RequestSpecBuilder().addHeader("X-API-Key", suite.adminKey()).build();
    }

    @Test
    void eventsFromTwoChannelsLandOnOneProfile() {
        given().contentType(ContentType.JSON).body("""
                        {"events": [
                          {"messageId": "it-ann-1", "type": "identify", "channel": "web", "timestamp": "2026-01-05T10:00:00Z",
                           "identifiers": {"email": "ann@example.com", "anonymous_id": "a-1"}, "traits": {"name": "Ann"}},
                          {"messageId": "it-ann-2", "type": "track", "event": "Order Completed", "channel": "pos",
                           "timestamp": "2026-01-06T09:30:00Z", "identifiers": {"phone": "+8613800138000", "email": "ann@example.com"},
                           "properties": {"orderId": "o-9", "revenue": 12.5, "currency": "CNY"}}]}
                        """)
                .when().post("/v1/events?wait=true")
                .then().statusCode(200)
                .body("accepted", equalTo(2))
                .body("rejected", hasSize(0))
                .body("applied", equalTo(true));

        String id = given().queryParam("type", "email").queryParam("value", "ann@example.com")
                .when().get("/v1/profiles/lookup")
                .then().statusCode(200)
                .body("identifiers.type", containsInAnyOrder("email", "anonymous_id", "phone"))
                .body("identifiers.value", hasItems("ann@example.com", "a-1", "+8613800138000"))
                .body("channels", contains("pos", "web"))
                .body("firstSeen", equalTo("2026-01-05T10:00:00Z"))
                .body("lastSeen", equalTo("2026-01-06T09:30:00Z"))
                .body("eventCount", equalTo(2))
                .extract().path("id");

        // Delivery to the sinks is asynchronous: the view gains activity and purchases once they have the events.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/v1/profiles/" + id)
                .then().statusCode(200)
                .body("id", equalTo(id))
                .body("activity.event", containsInAnyOrder("identify", "Order Completed"))
                .body("activity.count", contains(1, 1))
                .body("purchases.orders", equalTo(1))
                .body("purchases.monetary[0].currency", equalTo("CNY"))
                .body("purchases.monetary[0].amount", equalTo("12.5")));
        given().queryParam("type", "email").queryParam("value", " Ann@Example.COM ")
                .when().get("/v1/profiles/lookup")
                .then().statusCode(200).body("id", equalTo(id));
        given().queryParam("type", "phone").queryParam("value", "138 0013 8000")
                .when().get("/v1/profiles/lookup")
                .then().statusCode(200).body("id", equalTo(id));
    }

    @Test
    void anEventJoiningTwoProfilesMergesThemAndTheOldIdStillResolves() {
        String byEmail = profileOf(event("it-bob-1", "web", "{\"email\": \"bob@example.com\"}"), "email", "bob@example.com");
        String byPhone = profileOf(event("it-bob-2", "pos", "{\"phone\": \"+8613900000001\"}"), "phone", "+8613900000001");
        assertThat(byEmail).isNotEqualTo(byPhone);

        String survivor = profileOf(event("it-bob-3", "app", "{\"email\": \"bob@example.com\", \"phone\": \"+8613900000001\"}"),
                "phone", "+8613900000001");
        assertThat(survivor).isIn(byEmail, byPhone);
        String mergedAway = survivor.equals(byEmail) ? byPhone : byEmail;

        given().when().get("/v1/profiles/" + mergedAway)
                .then().statusCode(200)
                .body("id", equalTo(survivor))
                .body("mergedIds", hasItem(mergedAway))
                .body("eventCount", equalTo(3))
                .body("channels", contains("app", "pos", "web"));
        given().queryParam("type", "email").queryParam("value", "bob@example.com")
                .when().get("/v1/profiles/lookup")
                .then().statusCode(200).body("id", equalTo(survivor));
    }

    @Test
    void acceptingAReviewPairJoinsTheProfilesActivityAndPurchasesAndUnmergingSplitsThemAgain() {
        // A CRM record and a till sign-up of one customer, with no identifier in common: a pair for review.
        List<String> profiles = given().contentType(ContentType.JSON).body("""
                        {"events": [
                          {"messageId": "it-review-1", "type": "identify", "channel": "crm", "source": "crm",
                           "timestamp": "2026-02-01T10:00:00Z", "identifiers": {"crm_id": "CRM-IT-77"},
                           "traits": {"given_name": "Zhenwei", "surname": "Dongfang", "birthday": "1968-04-09",
                                      "postcode": "530021"}},
                          {"messageId": "it-review-2", "type": "identify", "channel": "pos", "source": "pos",
                           "timestamp": "2026-02-02T10:00:00Z", "identifiers": {"member_card": "M-IT-77"},
                           "traits": {"given_name": "Zhenwei", "surname": "Dongfang", "birthday": "1968/04/09",
                                      "postcode": "530021"}},
                          {"messageId": "it-review-3", "type": "track", "event": "Order Completed", "channel": "pos",
                           "timestamp": "2026-02-02T10:05:00Z", "identifiers": {"member_card": "M-IT-77"},
                           "properties": {"orderId": "o-it-77", "revenue": 30, "currency": "CNY"}}]}
                        """)
                .when().post("/v1/events?wait=true")
                .then().statusCode(200).body("accepted", equalTo(3))
                .extract().path("events.profileId");
        String crm = profiles.get(0);
        String till = profiles.get(1);
        assertThat(till).isNotEqualTo(crm).isEqualTo(profiles.get(2));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/v1/profiles/" + till)
                .then().statusCode(200).body("purchases.orders", equalTo(1)));

        String reviewId = given().queryParam("status", "pending").when().get("/v1/identity/reviews")
                .then().statusCode(200)
                .extract().path("items.find { it.profileId == '" + till + "' }.id");
        String mergeId = given().when().post("/v1/identity/reviews/" + reviewId + "/accept")
                .then().statusCode(200).body("merge.survivorId", equalTo(crm))
                .extract().path("merge.mergeId");

        // The merge reaches tagging and scoring through identity's graph change feed.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/v1/profiles/" + crm)
                .then().statusCode(200)
                .body("id", equalTo(crm))
                .body("activity.event", hasItems("identify", "Order Completed"))
                .body("purchases.orders", equalTo(1))
                .body("purchases.monetary[0].amount", equalTo("30")));

        // The operator was wrong after all: the split gives each side its own activity and purchases back.
        given().contentType(ContentType.JSON).body("{\"reason\": \"two people\"}")
                .when().post("/v1/identity/merges/" + mergeId + "/unmerge")
                .then().statusCode(200).body("restored[0].id", equalTo(till));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            given().when().get("/v1/profiles/" + crm)
                    .then().statusCode(200)
                    .body("id", equalTo(crm))
                    .body("activity.event", contains("identify"))
                    .body("activity.count", contains(1))
                    .body("purchases", nullValue());
            given().when().get("/v1/profiles/" + till)
                    .then().statusCode(200)
                    .body("id", equalTo(till))
                    .body("activity.event", containsInAnyOrder("identify", "Order Completed"))
                    .body("purchases.orders", equalTo(1));
        });
    }

    @Test
    void aRepeatedMessageIdIsStoredOnce() {
        String body = event("it-cy-1", "web", "{\"user_id\": \"it-cy\"}");
        post(body).then().statusCode(200).body("events[0].duplicate", equalTo(false));
        post(body).then().statusCode(200).body("accepted", equalTo(1)).body("events[0].duplicate", equalTo(true));
        given().queryParam("type", "user_id").queryParam("value", "it-cy")
                .when().get("/v1/profiles/lookup")
                .then().statusCode(200).body("eventCount", equalTo(1));
    }

    @Test
    void badEventsAreRejectedByFieldWhileTheValidOnesLand() {
        given().contentType(ContentType.JSON).body("""
                        {"events": [
                          {"messageId": "it-dee-1", "type": "track", "event": "Search", "channel": "web", "identifiers": {}},
                          {"messageId": "it-dee-2", "type": "purchase", "channel": "web", "identifiers": {"user_id": "it-dee"}},
                          {"messageId": "it-dee-3", "type": "identify", "channel": "web", "identifiers": {"user_id": "it-dee"}}]}
                        """)
                .when().post("/v1/events?wait=true")
                .then().statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/invalid-events"))
                .body("accepted", equalTo(1))
                .body("rejected.index", contains(0, 1))
                .body("rejected[0].messageId", equalTo("it-dee-1"))
                .body("rejected[0].errors.field", hasItem("identifiers"))
                .body("rejected[1].errors.field", hasItem("type"))
                .body("events[0].messageId", equalTo("it-dee-3"));
        given().queryParam("type", "user_id").queryParam("value", "it-dee")
                .when().get("/v1/profiles/lookup")
                .then().statusCode(200).body("eventCount", equalTo(1));
    }

    @Test
    void malformedJsonAndUnknownProfilesAreProblems() {
        given().contentType(ContentType.JSON).body("{\"events\": [")
                .when().post("/v1/events")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/malformed-json"));
        given().when().get("/v1/profiles/00000000-0000-4000-8000-000000000000")
                .then().statusCode(404)
                .contentType("application/problem+json");
        given().queryParam("type", "email").queryParam("value", "nobody@example.com")
                .when().get("/v1/profiles/lookup")
                .then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void everyServiceIsReadyAndTheGatewayDocumentsItsApi() {
        for (ServiceSpec service : ServiceSpec.values()) {
            given().baseUri(suite.url(service)).when().get("/q/health/ready")
                    .then().statusCode(200).body("status", equalTo("UP"));
        }
        given().queryParam("format", "json").when().get("/q/openapi")
                .then().statusCode(200).body(containsString("/v1/profiles/lookup"));
    }

    @Test
    void theDemoDataShowsACustomerAcrossChannelsOnOneProfile() {
        // The demo runs in a workspace of its own, as the launcher's runs in a suite of its own: the starter
        // taxonomy's tags and segments stay out of the profiles the API guide's examples make.
        String key = new GatewayClient(suite.gatewayUrl(), suite.adminKey())
                .createKey("demo", List.of("events:write", "profiles:read", "pii:read", "tags:admin", "privacy:admin"),
                        1000, RunningSuite.DEMO_WORKSPACE)
                .body().path("token").asText();
        assertThat(key).startsWith("ptk_");
        GatewayClient gateway = new GatewayClient(suite.gatewayUrl(), key);
        DemoLoader loader = new DemoLoader(gateway, new PrintStream(OutputStream.nullOutputStream()), LocalDate.now());
        DemoLoader.Result result = loader.load();
        assertThat(result.rejected()).isZero();
        assertThat(result.accepted()).isEqualTo(result.events());
        // What the launcher prints: the showcase once every service has applied its orders, nothing degraded,
        // scored by a refit that saw every order and pushed the model tags.
        DemoLoader.Showcase showcase = loader.finish(result, 180_000);
        assertThat(showcase.complete()).isTrue();
        JsonNode view = showcase.answer().body();
        assertThat(view.path("degraded").isMissingNode()).isTrue();
        assertThat(view.path("purchases").path("orders").asInt()).isEqualTo(result.showcaseOrders());
        assertThat(view.path("recommendations").path("personalized").asBoolean()).isTrue();
        // The refit came once tagging and scoring had applied every event, so it scored every customer with an order.
        assertThat(gateway.awaitDelivered(Duration.ZERO, "tagging", "scoring")).isZero();
        long buyers = DemoLoader.shippedRows().stream().filter(row -> !row.cancellation())
                .mapToLong(RetailRow::customerId).distinct().count();
        assertThat(gateway.get("/v1/scoring/models/latest").body().path("profiles").asLong()).isEqualTo(buyers);
        // The demo's dates end in the past week, so recency is days, not the years since the data set was recorded.
        assertThat(view.path("scores").path("rfm").path("recencyDays").asInt()).isBetween(1, 30);

        Map<String, String> tags = new HashMap<>();
        view.path("tags").forEach(tag -> tags.put(tag.path("code").asText(), tag.path("value").asText()));
        assertThat(tags).containsEntry("order_count", String.valueOf(result.showcaseOrders()))
                .containsEntry("loyalty", "loyal")
                .containsEntry("buying_channels", "store and online")
                .containsEntry("activity_status", "active")
                // Every tag of the starter taxonomy holds a value for the showcase, the model tags included.
                .containsKeys(new DemoTaxonomy(gateway).tagCodes().toArray(String[]::new));
        assertThat(tags.get("rfm_segment")).isEqualTo(view.path("scores").path("rfm").path("segment").asText());
        // Favourite products by name: three items, each a product name (some of the data set's names hold commas).
        JsonNode favourites = StreamSupport.stream(view.path("tags").spliterator(), false)
                .filter(tag -> tag.path("code").asText().equals("favourite_products")).findFirst().orElseThrow();
        assertThat(favourites.path("items")).hasSize(3)
                .allSatisfy(item -> assertThat(item.asText()).matches("[A-Z0-9].*"));
        assertThat(new BigDecimal(tags.get("lifetime_spend")))
                .isEqualByComparingTo(new BigDecimal(view.path("purchases").path("monetary").path(0).path("amount").asText()));

        // Applying the taxonomy again (a restarted launcher) keeps what is there.
        assertThat(new DemoTaxonomy(gateway).defineTags().created()).isEmpty();

        JsonNode lookedUp = gateway.lookup("email", result.showcase().email()).body();
        assertThat(lookedUp.path("channels")).extracting(JsonNode::asText).containsExactly("app", "pos", "web");
        assertThat(lookedUp.path("identifiers")).extracting(identifier -> identifier.path("type").asText())
                .contains("user_id", "email", "phone", "member_card", "device_id").doesNotContain("crm_id");
        // The admin key's workspace does not see the demo's customers.
        assertThat(new GatewayClient(suite.gatewayUrl(), suite.adminKey()).lookup("email", result.showcase().email())
                .status()).isEqualTo(404);

        String id = view.path("id").asText();
        JsonNode recommendations = gateway.get("/v1/profiles/" + id + "/recommendations?limit=5").body();
        assertThat(recommendations.path("profileId").asText()).isEqualTo(id);
        assertThat(recommendations.path("personalized").asBoolean()).isTrue();
        assertThat(recommendations.path("items")).hasSize(5)
                .allSatisfy(item -> assertThat(item.path("reason").asText()).contains("with "));
        assertThat(gateway.get("/v1/segments/gold_omnichannel/members?limit=1000").body().path("items"))
                .extracting(member -> member.path("profileId").asText()).contains(id);
        // The calls the launcher suggests next all answer.
        assertThat(DemoLoader.TRY_NEXT).allSatisfy(path -> assertThat(gateway.status(path)).as(path).isEqualTo(200));
    }

    private static String event(String messageId, String channel, String identifiers) {
        return "{\"events\": [{\"messageId\": \"" + messageId + "\", \"type\": \"track\", \"event\": \"Product Viewed\", "
                + "\"channel\": \"" + channel + "\", \"identifiers\": " + identifiers + "}]}";
    }

    private static io.restassured.response.Response post(String body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/v1/events?wait=true");
    }

    private static String profileOf(String body, String type, String value) {
        List<String> ids = post(body).then().statusCode(200).extract().path("events.profileId");
        String id = given().queryParam("type", type).queryParam("value", value)
                .when().get("/v1/profiles/lookup")
                .then().statusCode(200).extract().path("id");
        assertThat(ids).containsExactly(id);
        return id;
    }
}
