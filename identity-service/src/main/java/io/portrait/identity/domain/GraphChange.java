package io.portrait.identity.domain;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * A change of which profile an id belongs to, made outside Resolve (which reports its own merges with each
 * resolution): an accepted review's merge or an unmerge. {@code seq} orders the changes as they were committed.
 *
 * @param profileIds a merge: the profiles folded into the survivor; an unmerge: every profile of the survivor's
 *                   group before the split, the survivor included
 * @param ownerIds   an unmerge: the profile each of {@code profileIds} belongs to after the split; empty for a merge
 */
public record GraphChange(long seq, String workspace, Kind kind, UUID mergeId, UUID survivorId, List<UUID> profileIds,
                          List<UUID> ownerIds, Instant at) {

    public GraphChange {
        profileIds = List.copyOf(profileIds);
        ownerIds = List.copyOf(ownerIds);
    }

    public enum Kind {
        MERGE, UNMERGE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind parse(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }
}
