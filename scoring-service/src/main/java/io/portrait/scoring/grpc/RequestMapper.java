package io.portrait.scoring.grpc;

import io.portrait.common.sink.InvalidRequestException;
import io.portrait.common.sink.SinkRequests;
import io.portrait.proto.event.v1.Event;
import io.portrait.proto.event.v1.ResolvedEvent;
import io.portrait.scoring.domain.SinkEvent;
import io.portrait.scoring.engine.OrderParser;

import java.util.List;
import java.util.Map;

/** Checks events field by field and turns them into scoring's events; failures name the field. */
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
        if (!OrderParser.isOrder(event.getType(), event.getName())) {
            // Recorded as applied and otherwise of no interest to scoring.
            return new SinkEvent(eventId, profileId, event.getType(), event.getName(), null, Map.of());
        }
        return new SinkEvent(eventId, profileId, event.getType(), event.getName(), SinkRequests.occurredAt(
                event.hasTimestamp() ? event.getTimestamp() : null,
                event.hasReceivedAt() ? event.getReceivedAt() : null,
                path), StructValues.toMap(event.getProperties()));
    }
}
