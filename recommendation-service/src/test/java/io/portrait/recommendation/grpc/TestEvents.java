package io.portrait.recommendation.grpc;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.portrait.proto.event.v1.Event;
import io.portrait.proto.event.v1.ResolvedEvent;
import io.portrait.proto.sink.v1.ApplyEventsRequest;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** Builds resolved events the way ingestion's relay delivers them. */
final class TestEvents {

    private TestEvents() {
    }

    static ApplyEventsRequest batch(String workspace, ResolvedEvent... events) {
        return ApplyEventsRequest.newBuilder().setWorkspace(workspace).addAllEvents(Arrays.asList(events)).build();
    }

    static ResolvedEvent viewed(String profileId, String sku, Instant at) {
        return track(profileId, "Product Viewed", Struct.newBuilder().putFields("sku", text(sku)).build(), at);
    }

    static ResolvedEvent ordered(String profileId, Instant at, String... skus) {
        List<Value> lines = Arrays.stream(skus)
                .map(sku -> Value.newBuilder()
                        .setStructValue(Struct.newBuilder().putFields("sku", text(sku)).build())
                        .build())
                .toList();
        Struct properties = Struct.newBuilder()
                .putFields("order_id", text(UUID.randomUUID().toString()))
                .putFields("products", Value.newBuilder().setListValue(ListValue.newBuilder().addAllValues(lines)).build())
                .build();
        return track(profileId, "Order Completed", properties, at);
    }

    static ResolvedEvent identify(String profileId, String trait, String value, Instant at) {
        Event event = Event.newBuilder()
                .setMessageId(UUID.randomUUID().toString())
                .setType("identify")
                .setTimestamp(timestamp(at))
                .setTraits(Struct.newBuilder().putFields(trait, text(value)).build())
                .build();
        return resolved(profileId, event);
    }

    static ResolvedEvent consent(String profileId, boolean personalization, Instant at) {
        Event event = Event.newBuilder()
                .setMessageId(UUID.randomUUID().toString())
                .setType("identify")
                .setTimestamp(timestamp(at))
                .putConsent("personalization", personalization)
                .build();
        return resolved(profileId, event);
    }

    static ResolvedEvent track(String profileId, String name, Struct properties, Instant at) {
        Event event = Event.newBuilder()
                .setMessageId(UUID.randomUUID().toString())
                .setType("track")
                .setName(name)
                .setChannel("web")
                .setTimestamp(timestamp(at))
                .setProperties(properties)
                .build();
        return resolved(profileId, event);
    }

    static Value text(String value) {
        return Value.newBuilder().setStringValue(value).build();
    }

    static String workspace() {
        return "ws-" + UUID.randomUUID();
    }

    private static ResolvedEvent resolved(String profileId, Event event) {
        return ResolvedEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setProfileId(profileId)
                .setEvent(event)
                .build();
    }

    private static Timestamp timestamp(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }
}
