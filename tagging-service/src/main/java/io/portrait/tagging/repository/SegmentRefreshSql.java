package io.portrait.tagging.repository;

/**
 * The SQL of a segment refresh, chunk by chunk: where a chunk of known profiles ends, and the two statements that
 * refresh the members in a range of profile ids (those who no longer match leave, new matches enter, each recorded
 * as a change). Named parameters: {@code ws}, {@code code}, the rule's, and {@code chunkAfter} / {@code chunkEnd}
 * where the range has those bounds. In one place so that the service and the refresh benchmark run the same text.
 */
public final class SegmentRefreshSql {

    private SegmentRefreshSql() {
    }

    /** The two statements of one chunk. */
    public record Chunk(String leave, String enter) {
    }

    /**
     * The {@code :skip}+1th known profile after {@code :after} (or from the first, without), in id order: where a
     * chunk of that many ends.
     */
    public static String chunkEnd(boolean after) {
        return "select profile_id from known_profile where workspace = :ws"
                + (after ? " and profile_id > :after" : "") + " order by profile_id offset :skip limit 1";
    }

    /**
     * @param rule  the rule's matching profiles as a from-item ({@link SegmentSql.Compiled#profiles()}), compiled
     *              over the same range, so that it reads the chunk's profiles only
     * @param range the chunk's profile ids
     */
    public static Chunk chunk(String rule, SegmentSql.Range range) {
        String members = range.on("m");
        String matches = "select p.profile_id from " + rule;
        return new Chunk("""
                with gone as (
                    delete from segment_member m where m.workspace = :ws and m.code = :code%s
                    and m.profile_id not in (%s) returning m.profile_id)
                insert into segment_change (workspace, code, profile_id, change)
                select :ws, :code, profile_id, 'left' from gone""".formatted(members, matches), """
                with came as (
                    insert into segment_member (workspace, code, profile_id)
                    select :ws, :code, p.profile_id from (%s) p
                    on conflict do nothing returning profile_id)
                insert into segment_change (workspace, code, profile_id, change)
                select :ws, :code, profile_id, 'entered' from came""".formatted(matches));
    }
}
