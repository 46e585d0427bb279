package io.portrait.scoring.grpc;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.portrait.common.sink.ProtoTimestamps;
import io.portrait.proto.event.v1.Event;
import io.portrait.proto.event.v1.ResolvedEvent;
import io.portrait.proto.sink.v1.ApplyEventsRequest;
import io.portrait.proto.sink.v1.ApplyMergeRequest;
import io.portrait.proto.sink.v1.ApplyUnmergeRequest;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builders for the wire messages the tests send. */
final class TestEvents {

    private TestEvents() {
    }

    static String newWorkspace() {
        return "ws-" + UUID.randomUUID();
    }

    static ResolvedEvent event(String eventId, String profileId, String type, String name, String at) {
        return ResolvedEvent.newBuilder()
                .setEventId(eventId)
                .setProfileId(profileId)
                .setEvent(Event.newBuilder()
                        .setMessageId("m-" + eventId)
                        .setType(type)
                        .setName(name)
                        .setChannel("web")
                        .setTimestamp(timestamp(at)))
                .build();
    }

    static ResolvedEvent track(String eventId, String profileId, String name, String at) {
        return event(eventId, profileId, "track", name, at);
    }

    static ResolvedEvent order(String eventId, String profileId, String at, Struct properties) {
        ResolvedEvent event = track(eventId, profileId, "Order Completed", at);
        return event.toBuilder().setEvent(event.getEvent().toBuilder().setProperties(properties)).build();
    }

    /** A Struct from alternating keys and values (String, Number, List, Map). */
    static Struct props(Object... keysAndValues) {
        Struct.Builder struct = Struct.newBuilder();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            struct.putFields((String) keysAndValues[i], value(keysAndValues[i + 1]));
        }
        return struct.build();
    }

    private static Value value(Object plain) {
        if (plain instanceof String text) {
            return Value.newBuilder().setStringValue(text).build();
        }
        if (plain instanceof Number number) {
            return Value.newBuilder().setNumberValue(number.doubleValue()).build();
        }
        if (plain instanceof List<?> list) {
            return Value.newBuilder().setListValue(ListValue.newBuilder()
                    .addAllValues(list.stream().map(TestEvents::value).toList())).build();
        }
        if (plain instanceof Map<?, ?> map) {
            Struct.Builder struct = Struct.newBuilder();
            map.forEach((key, value) -> struct.putFields((String) key, value(value)));
            return Value.newBuilder().setStructValue(struct).build();
        }
        throw new IllegalArgumentException("unsupported test value " + plain);
    }

    static ApplyEventsRequest batch(String workspace, ResolvedEvent... events) {
        return ApplyEventsRequest.newBuilder().setWorkspace(workspace).addAllEvents(List.of(events)).build();
    }

    /** An unmerge giving {@code restored} back to itself; {@code eventIds} are delivered again next. */
    static ApplyUnmergeRequest unmerge(String workspace, String mergeId, String survivor, String restored,
                                       String... eventIds) {
        return ApplyUnmergeRequest.newBuilder()
                .setWorkspace(workspace)
                .setMergeId(mergeId)
                .setSurvivorProfileId(survivor)
                .addRestoredProfileIds(restored)
                .addOwnerProfileIds(restored)
                .addAllEventIds(List.of(eventIds))
                .build();
    }

    static ApplyMergeRequest merge(String workspace, String mergeId, String survivor, String... merged) {
        return ApplyMergeRequest.newBuilder()
                .setWorkspace(workspace)
                .setMergeId(mergeId)
                .setSurvivorProfileId(survivor)
                .addAllMergedProfileIds(List.of(merged))
                .build();
    }

    static Timestamp timestamp(String iso) {
        return ProtoTimestamps.toProto(Instant.parse(iso));
    }
}
