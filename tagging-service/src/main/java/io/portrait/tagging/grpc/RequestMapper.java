package io.portrait.tagging.grpc;

import io.portrait.common.sink.InvalidRequestException;
import io.portrait.common.sink.SinkRequests;
import io.portrait.proto.event.v1.Event;
import io.portrait.proto.event.v1.ResolvedEvent;
import io.portrait.tagging.domain.SinkEvent;
import io.portrait.tagging.engine.FeatureEngine;

import java.util.List;

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
        return new SinkEvent(eventId, profileId, feature, SinkRequests.occurredAt(
                event.hasTimestamp() ? event.getTimestamp() : null,
                event.hasReceivedAt() ? event.getReceivedAt() : null,
                path));
    }
}
