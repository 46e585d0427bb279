package io.portrait.tagging.grpc;

import io.portrait.common.sink.InvalidRequestException;
import io.portrait.common.sink.SinkRequests;
import io.portrait.proto.event.v1.Event;
import io.portrait.proto.event.v1.ResolvedEvent;
import io.portrait.tagging.domain.SinkEvent;
import io.portrait.tagging.engine.FeatureEngine;
import io.portrait.tagging.engine.ProfileTraits;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Checks events field by field and turns them into tagging's events; failures name the field. */
final class RequestMapper {

    private RequestMapper() {
    }

    static List<SinkEvent> events(List<ResolvedEvent> resolved) {
        return SinkRequests.each(resolved, "events", RequestMapper::event);
    }

    private static SinkEvent event(ResolvedEvent resolved, String path) {
        String eventId = SinkRequests.requireId(resolved.getEventId(), path + ".event_id");
        String profileId = SinkRequests.requireId(resolved.getProfileId(), path + ".profile_id");
        if (!resolved.hasEvent()) {
            throw new InvalidRequestException(path + ".event is required");
        }
        Event event = resolved.getEvent();
        String feature;
        try {
            feature = FeatureEngine.featureName(event.getType(), event.getName());
        } catch (IllegalArgumentException e) {
            String field = FeatureEngine.EVENT_TYPES.contains(event.getType()) ? ".event.name" : ".event.type";
            throw new InvalidRequestException(path + field + ": " + e.getMessage());
        }
        Instant occurredAt = SinkRequests.occurredAt(event.hasTimestamp() ? event.getTimestamp() : null,
                event.hasReceivedAt() ? event.getReceivedAt() : null, path);
        return new SinkEvent(eventId, profileId, feature, occurredAt, event.getChannel(), event.getSource(),
                ProfileTraits.ofEvent(map(event.getTraits()), event.getConsentMap(), occurredAt),
                map(event.getProperties()));
    }

    static Map<String, Object> map(Struct struct) {
        Map<String, Object> map = new LinkedHashMap<>();
        struct.getFieldsMap().forEach((key, value) -> {
            Object converted = value(value);
            if (converted != null) {
                map.put(key, converted);
            }
        });
        return map;
    }

    private static Object value(Value value) {
        return switch (value.getKindCase()) {
            case STRING_VALUE -> value.getStringValue();
            case NUMBER_VALUE -> value.getNumberValue();
            case BOOL_VALUE -> value.getBoolValue();
            case STRUCT_VALUE -> map(value.getStructValue());
            case LIST_VALUE -> {
                List<Object> items = new ArrayList<>();
                value.getListValue().getValuesList().forEach(item -> {
                    Object converted = value(item);
                    if (converted != null) {
                        items.add(converted);
                    }
                });
                yield items;
            }
            default -> null;
        };
    }
}
