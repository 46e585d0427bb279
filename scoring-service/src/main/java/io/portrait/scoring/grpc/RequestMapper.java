package io.portrait.scoring.grpc;

import io.portrait.proto.event.v1.Event;
import io.portrait.proto.event.v1.ResolvedEvent;
import io.portrait.proto.sink.v1.ApplyMergeRequest;
import io.portrait.scoring.domain.InvalidRequestException;
import io.portrait.scoring.domain.MergeRecord;
import io.portrait.scoring.domain.SinkEvent;
import io.portrait.scoring.engine.OrderParser;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Checks requests field by field and turns them into domain values; failures name the field. */
final class RequestMapper {

    static final String DEFAULT_WORKSPACE = "default";

    /** Ids are opaque keys of other services; anything longer is a caller bug, not an id. */
    private static final int MAX_ID_LENGTH = 200;

    private RequestMapper() {
    }

    static String workspace(String workspace) {
        String trimmed = workspace.strip();
        if (trimmed.isEmpty()) {
            return DEFAULT_WORKSPACE;
        }
        return requireId(trimmed, "workspace");
    }

    static String requireId(String value, String field) {
        String trimmed = value.strip();
        if (trimmed.isEmpty()) {
            throw new InvalidRequestException(field + " is required");
        }
        if (trimmed.length() > MAX_ID_LENGTH) {
            throw new InvalidRequestException(field + " is longer than " + MAX_ID_LENGTH + " characters");
        }
        return trimmed;
    }

    static List<SinkEvent> events(List<ResolvedEvent> resolved) {
        List<SinkEvent> events = new ArrayList<>(resolved.size());
        for (int i = 0; i < resolved.size(); i++) {
            events.add(event(resolved.get(i), "events[" + i + "]"));
        }
        return events;
    }

    private static SinkEvent event(ResolvedEvent resolved, String path) {
        String eventId = requireId(resolved.getEventId(), path + ".event_id");
        String profileId = requireId(resolved.getProfileId(), path + ".profile_id");
        if (!resolved.hasEvent()) {
            throw new InvalidRequestException(path + ".event is required");
        }
        Event event = resolved.getEvent();
        if (!OrderParser.isOrder(event.getType(), event.getName())) {
            // Recorded as applied and otherwise of no interest to scoring.
            return new SinkEvent(eventId, profileId, event.getType(), event.getName(), null, Map.of());
        }
        return new SinkEvent(eventId, profileId, event.getType(), event.getName(), occurredAt(event, path),
                StructValues.toMap(event.getProperties()));
    }

    /** The event time; the receive time stands in for senders that gave none. */
    private static Instant occurredAt(Event event, String path) {
        if (event.hasTimestamp()) {
            return ProtoTimestamps.toInstant(event.getTimestamp()).orElseThrow(() ->
                    new InvalidRequestException(path + ".event.timestamp is out of range"));
        }
        if (event.hasReceivedAt()) {
            return ProtoTimestamps.toInstant(event.getReceivedAt()).orElseThrow(() ->
                    new InvalidRequestException(path + ".event.received_at is out of range"));
        }
        throw new InvalidRequestException(path + ".event.timestamp is required");
    }

    static MergeRecord merge(ApplyMergeRequest request) {
        String mergeId = requireId(request.getMergeId(), "merge_id");
        String survivorId = requireId(request.getSurvivorProfileId(), "survivor_profile_id");
        if (request.getMergedProfileIdsCount() == 0) {
            throw new InvalidRequestException("merged_profile_ids is required");
        }
        List<String> mergedIds = new ArrayList<>(request.getMergedProfileIdsCount());
        for (int i = 0; i < request.getMergedProfileIdsCount(); i++) {
            mergedIds.add(requireId(request.getMergedProfileIds(i), "merged_profile_ids[" + i + "]"));
        }
        return new MergeRecord(mergeId, survivorId, mergedIds);
    }
}
