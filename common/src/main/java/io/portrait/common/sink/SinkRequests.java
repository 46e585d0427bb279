package io.portrait.common.sink;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.portrait.common.text.NulCharacters;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Field checks shared by the sinks' request mappers; failures name the field. Takes plain values, not the
 * generated messages: each service generates its own stubs from the proto module.
 */
public final class SinkRequests {

    public static final String DEFAULT_WORKSPACE = "default";

    /** Ids are opaque keys of other services; anything longer is a caller bug, not an id. */
    private static final int MAX_ID_LENGTH = 200;

    private SinkRequests() {
    }

    /**
     * The request, unless a text in it (an id, a code, a property) holds U+0000, which PostgreSQL text and MongoDB
     * field names cannot hold: such a request would fail in the store as an internal error on every try, so it is
     * refused before anything is written, naming the field (never the value, which may be personal data).
     *
     * @throws InvalidRequestException naming the first field holding one
     */
    public static <T extends Message> T withoutNul(T request) {
        String field = NulCharacters.firstIn(request);
        if (field != null) {
            throw new InvalidRequestException(field + " holds a NUL character (U+0000), which cannot be stored");
        }
        return request;
    }

    public static String workspace(String workspace) {
        String trimmed = workspace.strip();
        if (trimmed.isEmpty()) {
            return DEFAULT_WORKSPACE;
        }
        return requireId(trimmed, "workspace");
    }

    public static String requireId(String value, String field) {
        String trimmed = value.strip();
        if (trimmed.isEmpty()) {
            throw new InvalidRequestException(field + " is required");
        }
        if (trimmed.length() > MAX_ID_LENGTH) {
            throw new InvalidRequestException(field + " is longer than " + MAX_ID_LENGTH + " characters");
        }
        return trimmed;
    }

    /** Maps each item with its path ({@code field[i]}) for error messages. */
    public static <T, R> List<R> each(List<T> items, String field, BiFunction<T, String, R> mapper) {
        List<R> mapped = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            mapped.add(mapper.apply(items.get(i), field + "[" + i + "]"));
        }
        return mapped;
    }

    /**
     * The event time; the receive time stands in for senders that gave none. A null timestamp is one the
     * sender left out.
     */
    public static Instant occurredAt(Timestamp timestamp, Timestamp receivedAt, String path) {
        if (timestamp != null) {
            return ProtoTimestamps.toInstant(timestamp).orElseThrow(() ->
                    new InvalidRequestException(path + ".event.timestamp is out of range"));
        }
        if (receivedAt != null) {
            return ProtoTimestamps.toInstant(receivedAt).orElseThrow(() ->
                    new InvalidRequestException(path + ".event.received_at is out of range"));
        }
        throw new InvalidRequestException(path + ".event.timestamp is required");
    }

    public static MergeRecord merge(String mergeId, String survivorProfileId, List<String> mergedProfileIds) {
        String checkedMergeId = requireId(mergeId, "merge_id");
        String survivorId = requireId(survivorProfileId, "survivor_profile_id");
        if (mergedProfileIds.isEmpty()) {
            throw new InvalidRequestException("merged_profile_ids is required");
        }
        return new MergeRecord(checkedMergeId, survivorId,
                each(mergedProfileIds, "merged_profile_ids", SinkRequests::requireId));
    }

    public static UnmergeRecord unmerge(String mergeId, String survivorProfileId, List<String> restoredProfileIds,
                                        List<String> ownerProfileIds, List<String> eventIds) {
        String checkedMergeId = requireId(mergeId, "merge_id");
        String survivorId = requireId(survivorProfileId, "survivor_profile_id");
        if (restoredProfileIds.isEmpty()) {
            throw new InvalidRequestException("restored_profile_ids is required");
        }
        if (ownerProfileIds.size() != restoredProfileIds.size()) {
            throw new InvalidRequestException("owner_profile_ids must name one owner per restored profile, got "
                    + ownerProfileIds.size() + " for " + restoredProfileIds.size());
        }
        List<String> restored = each(restoredProfileIds, "restored_profile_ids", SinkRequests::requireId);
        List<String> owners = each(ownerProfileIds, "owner_profile_ids", SinkRequests::requireId);
        Map<String, String> ownerByRestored = new HashMap<>();
        for (int i = 0; i < restored.size(); i++) {
            if (restored.get(i).equals(survivorId) || owners.get(i).equals(survivorId)) {
                throw new InvalidRequestException("restored_profile_ids[" + i + "] no longer belongs to the survivor");
            }
            ownerByRestored.put(restored.get(i), owners.get(i));
        }
        return new UnmergeRecord(checkedMergeId, survivorId, ownerByRestored,
                each(eventIds, "event_ids", SinkRequests::requireId));
    }
}
