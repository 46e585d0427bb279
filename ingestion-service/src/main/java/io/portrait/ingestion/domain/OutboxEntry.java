package io.portrait.ingestion.domain;

import com.google.protobuf.ByteString;

import java.util.List;

/**
 * One thing to deliver to one sink. {@code profileIds} are the profiles whose order it takes part in: the
 * event's profile, the survivor and the merged profiles of a merge, or every profile of the group an unmerge
 * splits. The payload is the serialized request
 * part named by {@code kind}; it is absent when only the ordering fields were read.
 */
public record OutboxEntry(String id, String sink, String workspace, OutboxPosition position, OutboxKind kind,
                          List<String> profileIds, ByteString payload, int attempts) {

    public OutboxEntry {
        profileIds = List.copyOf(profileIds);
    }

    public static String id(String sink, OutboxKind kind, String key) {
        return sink + ':' + kind.wireName() + ':' + key;
    }
}
