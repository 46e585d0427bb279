package io.portrait.gateway.rest;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.gateway.client.IdentityClient;
import io.portrait.gateway.client.IngestionClient;
import io.portrait.gateway.client.IngestionClient.Events;
import io.portrait.proto.event.v1.Event;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.event.v1.ResolvedEvent;
import io.portrait.proto.identity.v1.Profile;
import io.portrait.proto.ingestion.v1.ListProfileEventsResponse;
import io.quarkus.test.InjectMock;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** A profile's event timeline: across merged ids, cursor-paged, PII masked unless pii:read. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "gateway"))
class TimelineTest {

    @InjectMock
    IdentityClient identity;

    @InjectMock
    IngestionClient ingestion;

    private static ResolvedEvent order(String id, long seconds) {
        return ResolvedEvent.newBuilder().setEventId(id).setProfileId("p-old").setEvent(Event.newBuilder()
                        .setMessageId("m-" + id).setType("track").setName("Order Completed").setChannel("pos")
                        .setSource("default").setTimestamp(Timestamp.newBuilder().setSeconds(seconds))
                        .addIdentifiers(Identifier.newBuilder().setType("phone").setValue("+8613812345678"))
                        .setTraits(Struct.newBuilder()
                                .putFields("name", Value.newBuilder().setStringValue("Ann Lee").build())
                                .putFields("emails", Value.newBuilder().setListValue(ListValue.newBuilder()
                                        .addValues(Value.newBuilder().setStringValue("ann@example.com"))).build())
                                .putFields("mobile", Value.newBuilder().setNumberValue(13912345678d).build())
                                .putFields("vip", Value.newBuilder().setBoolValue(true).build()))
                        .setProperties(Struct.newBuilder().putFields("revenue", Value.newBuilder().setNumberValue(12.5).build()))
                        .putConsent("personalization", true))
                .build();
    }

    @BeforeEach
    void aMergedProfileWithEvents() {
        when(identity.profile("default", "p-1")).thenReturn(Uni.createFrom().item(Profile.newBuilder()
                .setProfileId("p-1").addMergedProfileIds("p-old").build()));
        when(ingestion.events(eq("default"), eq(List.of("p-1", "p-old")), eq(Events.ALL), eq(2), eq(null)))
                .thenReturn(Uni.createFrom().item(ListProfileEventsResponse.newBuilder()
                        .addEvents(order("e-2", 1767691800)).addEvents(order("e-1", 1767607200))
                        .setNextPageToken("page-2").build()));
        when(ingestion.events(eq("default"), eq(List.of("p-1", "p-old")), eq(Events.ALL), eq(2), eq("page-2")))
                .thenReturn(Uni.createFrom().item(ListProfileEventsResponse.newBuilder()
                        .addEvents(order("e-0", 1767600000)).build()));
    }

    @Test
    void pagesThroughTheEventsOfTheProfileAndItsMergedIds() {
        String reader = GatewayTestKeys.create("default", "profiles:read");
        String next = given().header("X-API-Key", reader).queryParam("limit", 2)
                .when().get("/v1/profiles/p-1/events")
                .then().statusCode(200)
                .body("items", hasSize(2))
                .body("items[0].eventId", equalTo("e-2"))
                .body("items[0].name", equalTo("Order Completed"))
                .body("items[0].timestamp", equalTo("2026-01-06T09:30:00Z"))
                .body("items[0].properties.revenue", equalTo(12.5f))
                .body("items[0].consent.personalization", equalTo(true))
                .body("next", equalTo("page-2"))
                .extract().path("next");
        given().header("X-API-Key", reader).queryParam("limit", 2).queryParam("cursor", next)
                .when().get("/v1/profiles/p-1/events")
                .then().statusCode(200)
                .body("items", hasSize(1))
                .body("$", not(hasKey("next")));
    }

    @Test
    void identifiersAndTraitsAreMaskedWithoutPiiRead() {
        String reader = GatewayTestKeys.create("default", "profiles:read");
        given().header("X-API-Key", reader).queryParam("limit", 2)
                .when().get("/v1/profiles/p-1/events")
                .then().statusCode(200)
                .body("items[0].identifiers[0].value", equalTo("138****5678"))
                .body("items[0].traits.name", equalTo("A****e"))
                // Texts in lists and numbers are masked too; only true/false stay.
                .body("items[0].traits.emails", hasSize(1))
                .body("items[0].traits.vip", equalTo(true))
                .body(not(containsString("Ann Lee")))
                .body(not(containsString("ann@example.com")))
                .body(not(containsString("13912345678")));
        String piiReader = GatewayTestKeys.create("default", "profiles:read", "pii:read");
        given().header("X-API-Key", piiReader).queryParam("limit", 2)
                .when().get("/v1/profiles/p-1/events")
                .then().statusCode(200)
                .body("items[0].identifiers[0].value", equalTo("+8613812345678"))
                .body("items[0].traits.name", equalTo("Ann Lee"))
                .body("items[0].traits.emails[0]", equalTo("ann@example.com"))
                .body("items[0].traits.mobile", equalTo(13912345678L));
    }

    @Test
    void pageSizesAreCapped() {
        String reader = GatewayTestKeys.create("default", "profiles:read");
        given().header("X-API-Key", reader).queryParam("limit", 1000)
                .when().get("/v1/profiles/p-1/events")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("\"limit\" must be between 1 and 200."));
        given().header("X-API-Key", reader).queryParam("limit", "ten")
                .when().get("/v1/profiles/p-1/events")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/invalid-request"))
                .body("detail", containsString("\"ten\""));
        verify(ingestion, org.mockito.Mockito.never()).events(any(), any(), any(), eq(1000), any());
        verify(ingestion, org.mockito.Mockito.never()).events(any(), any(), any(), anyInt(), eq("x"));
    }
}
