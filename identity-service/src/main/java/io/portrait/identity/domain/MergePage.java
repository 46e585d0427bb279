package io.portrait.identity.domain;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

/** One page of a profile's merge history, oldest first; {@code nextCursor} is null on the last page. */
public record MergePage(List<MergeHistoryEntry> merges, String nextCursor) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    public MergePage {
        merges = List.copyOf(merges);
    }

    /**
     * Where a page ends: the merge time and id of its last merge, the order the history is read in (two merges may
     * share a time). The cursor's text is the two separated by a space.
     */
    public record Cursor(Instant mergedAt, UUID mergeId) {

        /** The cursor a caller sent back; null for the first page. INVALID_ARGUMENT for any text not answered here. */
        public static Cursor parse(String text) {
            if (text == null || text.isBlank()) {
                return null;
            }
            String[] parts = text.strip().split(" ", -1);
            try {
                if (parts.length == 2) {
                    return new Cursor(Instant.parse(parts[0]), UUID.fromString(parts[1]));
                }
            } catch (DateTimeParseException | IllegalArgumentException e) {
                // answered below, as any other text that is not a cursor
            }
            throw new InvalidRequestException("cursor", "is not a cursor this service answered");
        }

        public static Cursor after(MergeHistoryEntry last) {
            return new Cursor(last.mergedAt(), last.mergeId());
        }

        @Override
        public String toString() {
            return mergedAt + " " + mergeId;
        }
    }
}
