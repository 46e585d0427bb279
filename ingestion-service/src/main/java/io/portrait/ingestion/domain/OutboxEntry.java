package io.portrait.ingestion.domain;

import com.google.protobuf.ByteString;

import java.util.List;

/**
 * One thing to deliver to one sink. {@code profileIds} are the profiles whose order it takes part in: the
 * event's profile, the survivor and the merged profiles of a merge, or every profile of the group an unmerge
 * splits. The payload is the serialized request
 * part named by {@code kind}; it is absent when only the ordering fields were read. An {@code urgent} entry (an event
 * that changes consent) goes ahead of other profiles' entries, never ahead of an earlier one of its own profiles.
 */
public record OutboxEntry(String id, String sink, String workspace, OutboxPosition position, OutboxKind kind,
                          List<String> profileIds, ByteString payload, int attempts, boolean urgent) {

    public OutboxEntry {
        profileIds = List.copyOf(profileIds);
    }

    /** An entry delivered in its place. */
    public OutboxEntry(String id, String sink, String workspace, OutboxPosition position, OutboxKind kind,
                       List<String> profileIds, ByteString payload, int attempts) {
        this(id, sink, workspace, position, kind, profileIds, payload, attempts, false);
    }

    public static String id(String sink, OutboxKind kind, String key) {
        return sink + ':' + kind.wireName() + ':' + key;
    }
}
