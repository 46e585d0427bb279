package io.portrait.recommendation.grpc;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.portrait.proto.event.v1.Event;
import io.portrait.proto.event.v1.ResolvedEvent;
import io.portrait.recommendation.domain.EventFacts;
import io.portrait.recommendation.domain.InteractionKind;
import io.portrait.recommendation.domain.InteractionLine;
import io.portrait.common.sink.InvalidRequestException;
import io.portrait.recommendation.domain.ProductDetails;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventFactsMapperTest {

    @Test
    void readsOneLinePerProductOfAnOrder() {
        Struct properties = struct(Map.of(
                "order_id", text("o-1"),
                "products", list(
                        Value.newBuilder().setStructValue(struct(Map.of(
                                "sku", text("SKU-1"), "name", text("Tea"), "category", text("drinks"),
                                "brand", text("Leaf"), "price", number(12.5)))).build(),
                        Value.newBuilder().setStructValue(struct(Map.of("product_id", number(42)))).build(),
                        Value.newBuilder().setStructValue(struct(Map.of("sku", text("SKU-1")))).build(),
                        Value.newBuilder().setStructValue(struct(Map.of("name", text("no id")))).build())));

        EventFacts facts = map(track("Order Completed", properties));

        assertThat(facts.interactions()).containsExactly(
                new InteractionLine("SKU-1", InteractionKind.PURCHASED, 2),
                new InteractionLine("42", InteractionKind.PURCHASED, 1));
        assertThat(facts.products()).containsExactly(new ProductDetails("SKU-1", "Tea", "drinks", "Leaf", 12.5));
        assertThat(facts.interactions().get(0).weight()).isEqualTo(10);
    }

    @ParameterizedTest
    @CsvSource({
            "Product Viewed, VIEWED",
            "Product Added, ADDED",
            "Like, FAVORITED",
            "Product Favorited, FAVORITED",
            "Order Completed, PURCHASED"})
    void readsTheSkuOfSingleProductEvents(String name, InteractionKind kind) {
        EventFacts facts = map(track(name, struct(Map.of("product_id", text(" P-7 "), "price", text("19.90")))));

        assertThat(facts.interactions()).containsExactly(new InteractionLine("P-7", kind, 1));
        assertThat(facts.products()).containsExactly(new ProductDetails("P-7", null, null, null, 19.9));
    }

    @Test
    void prefersSkuOverProductId() {
        EventFacts facts = map(track("Product Viewed", struct(Map.of("sku", text("S"), "product_id", text("P")))));

        assertThat(facts.interactions()).extracting(InteractionLine::sku).containsExactly("S");
        assertThat(facts.products()).isEmpty();
    }

    @Test
    void keepsConsentAndTimeOfEventsWithoutInteractions() {
        Event event = Event.newBuilder()
                .setType("identify")
                .setTimestamp(Timestamp.newBuilder().setSeconds(1_700_000_000L).setNanos(5))
                .putConsent("personalization", false)
                .putConsent("marketing", true)
                .build();

        EventFacts facts = map(event);

        assertThat(facts.interactions()).isEmpty();
        assertThat(facts.personalization()).isFalse();
        assertThat(facts.occurredAt()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 5));
    }

    @Test
    void leavesConsentUnknownWhenTheEventSaysNothing() {
        Event event = track("Search", struct(Map.of("sku", text("S"))));

        EventFacts facts = map(event);

        assertThat(facts.personalization()).isNull();
        assertThat(facts.interactions()).isEmpty();
        assertThat(facts.occurredAt()).isNull();
    }

    @Test
    void ignoresProductNamesOnPagesAndScreens() {
        Event page = Event.newBuilder().setType("page").setName("Product Viewed")
                .setProperties(struct(Map.of("sku", text("S")))).build();

        assertThat(map(page).interactions()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "'', p-1, events[0].event_id is required",
            "e-1, '  ', events[0].profile_id is required"})
    void checksIdsAsEverySinkDoes(String eventId, String profileId, String message) {
        ResolvedEvent resolved = ResolvedEvent.newBuilder().setEventId(eventId).setProfileId(profileId)
                .setEvent(track("Product Viewed", Struct.getDefaultInstance())).build();

        assertThatThrownBy(() -> EventFactsMapper.toFacts(List.of(resolved)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage(message);
    }

    @Test
    void anIdLongerThanAnyIdIsRefused() {
        ResolvedEvent resolved = ResolvedEvent.newBuilder().setEventId("e-1").setProfileId("p".repeat(201))
                .setEvent(track("Product Viewed", Struct.getDefaultInstance())).build();

        assertThatThrownBy(() -> EventFactsMapper.toFacts(List.of(resolved)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("events[0].profile_id is longer than 200 characters");
    }

    @Test
    void idsAreTrimmed() {
        EventFacts facts = EventFactsMapper.toFacts(List.of(ResolvedEvent.newBuilder().setEventId(" e-1 ")
                .setProfileId(" p-1 ").setEvent(track("Product Viewed", struct(Map.of("sku", text("S"))))).build()))
                .get(0);

        assertThat(facts.eventId()).isEqualTo("e-1");
        assertThat(facts.profileId()).isEqualTo("p-1");
    }

    @Test
    void anEventHoldingNulIsRefusedOnItsOwnNamingWhere() {
        EventFacts facts = map(track("Order Completed", struct(Map.of("products",
                list(Value.newBuilder().setStructValue(struct(Map.of("sku", text("A")))).build(),
                        Value.newBuilder().setStructValue(struct(Map.of("sku", text("B\u0000")))).build())))));

        assertThat(facts.refused()).isEqualTo("events[0].event.properties.products[1].sku holds U+0000");
        assertThat(facts.eventId()).isEqualTo("e-1");
        assertThat(facts.interactions()).isEmpty();
        assertThat(facts.products()).isEmpty();
        assertThat(map(track("Product Viewed", struct(Map.of("sku", text("A"))))).refused()).isNull();
    }

    private static EventFacts map(Event event) {
        return EventFactsMapper.toFacts(List.of(ResolvedEvent.newBuilder()
                .setEventId("e-1").setProfileId("p-1").setEvent(event).build())).get(0);
    }

    private static Event track(String name, Struct properties) {
        return Event.newBuilder().setType("track").setName(name).setProperties(properties).build();
    }

    private static Struct struct(Map<String, Value> fields) {
        return Struct.newBuilder().putAllFields(fields).build();
    }

    private static Value text(String value) {
        return Value.newBuilder().setStringValue(value).build();
    }

    private static Value number(double value) {
        return Value.newBuilder().setNumberValue(value).build();
    }

    private static Value list(Value... values) {
        return Value.newBuilder().setListValue(ListValue.newBuilder().addAllValues(List.of(values))).build();
    }
}
