package io.portrait.tagging.repository;

import io.portrait.common.sink.NativeSql;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;

/** Segments, their members and the log of membership changes. */
@ApplicationScoped
public class SegmentRepository {

    /** A segment as stored, with the sequence of the newest change its log holds (0 when none). */
    public record SegmentRow(String code, String name, String description, String rule, long members,
                             Instant refreshedAt, long lastChange) {
    }

    public record Member(String profileId, Instant since) {
    }

    public record Change(long sequence, String profileId, String change, Instant at) {
    }

    public record Membership(String code, String name, Instant since) {
    }

    /**
     * A segment's columns, and the sequence of its log's newest change: every writer of the log holds the segment's
     * row lock until it commits, so no change of the segment numbered below it is still to commit, and a follower
     * starting after it misses nothing and repeats nothing.
     */
    private static final String COLUMNS = """
            s.code, s.name, s.description, s.rule, s.members, s.refreshed_at,
            coalesce((select max(c.sequence) from segment_change c
                      where c.workspace = s.workspace and c.code = s.code), 0)""";

    public Uni<Boolean> insert(String workspace, String code, String name, String description, String rule) {
        return NativeSql.update("""
                        insert into segment (workspace, code, name, description, rule)
                        values (:workspace, :code, :name, :description, :rule) on conflict do nothing""",
                        Map.of("workspace", workspace, "code", code, "name", name, "description", description,
                                "rule", rule))
                .map(inserted -> inserted == 1);
    }

    public Uni<Optional<SegmentRow>> find(String workspace, String code, boolean lock) {
        return NativeSql.list("select " + COLUMNS + " from segment s"
                                + " where s.workspace = :workspace and s.code = :code" + (lock ? " for update" : ""),
                        Object[].class, Map.of("workspace", workspace, "code", code))
                .map(rows -> rows.stream().findFirst().map(SegmentRepository::segment));
    }

    public Uni<List<SegmentRow>> list(String workspace) {
        return NativeSql.list("""
                        select %s from segment s
                        where s.workspace = :workspace order by s.code""".formatted(COLUMNS), Object[].class,
                        Map.of("workspace", workspace))
                .map(rows -> rows.stream().map(SegmentRepository::segment).toList());
    }

    public Uni<List<String>> workspaces() {
        return NativeSql.list("select distinct workspace from segment", String.class, Map.of());
    }

    public Uni<Long> count(String workspace, SegmentSql.Compiled rule) {
        return NativeSql.single(rule.count(), Long.class, params(workspace, rule, Map.of()));
    }

    /** Every profile tagging knows (with traits, activity or a tag value): the population segments select from. */
    public Uni<Long> profileCount(String workspace) {
        return NativeSql.single(SegmentSql.PROFILE_COUNT, Long.class, Map.of("ws", workspace));
    }

    /**
     * Where the chunk of a refresh after {@code after} (null: from the first profile) ends: the {@code size}th known
     * profile after it, in the order of profile ids. Empty when fewer are left: that chunk is the last and goes to
     * the end. Chunks are ranges of ids, so together they cover every id, members no longer known included.
     */
    public Uni<Optional<String>> chunkEnd(String workspace, String after, int size) {
        Map<String, Object> params = new HashMap<>(Map.of("ws", workspace, "skip", size - 1));
        if (after != null) {
            params.put("after", after);
        }
        return NativeSql.list(SegmentRefreshSql.chunkEnd(after != null), String.class, params)
                .map(ids -> ids.stream().findFirst());
    }

    /**
     * Refreshes the members whose ids are after {@code after} and up to {@code upTo} (null: no bound): those who no
     * longer match leave, new matches enter, each recorded as a change. Answers (entered, left). The segment's count
     * of members is left to {@link #refreshed}.
     */
    public Uni<int[]> refresh(String workspace, String code, SegmentSql.Compiled rule, String after, String upTo) {
        Map<String, Object> params = params(workspace, rule, Map.of("code", code));
        if (after != null) {
            params.put("chunkAfter", after);
        }
        if (upTo != null) {
            params.put("chunkEnd", upTo);
        }
        SegmentRefreshSql.Chunk chunk = SegmentRefreshSql.chunk(rule.profiles(),
                new SegmentSql.Range(after != null, upTo != null));
        return NativeSql.update(chunk.leave(), params)
                .chain(left -> NativeSql.update(chunk.enter(), params).map(entered -> new int[] {entered, left}));
    }

    /** Ends a refresh: the time, and the segment's count of members. */
    public Uni<Void> refreshed(String workspace, String code) {
        return NativeSql.update("""
                        update segment set refreshed_at = now(), members = (select count(*) from segment_member
                            where workspace = :ws and code = :code)
                        where workspace = :ws and code = :code""", Map.of("ws", workspace, "code", code))
                .replaceWithVoid();
    }

    public Uni<List<Member>> members(String workspace, String code, String after, int limit) {
        return NativeSql.list("""
                        select profile_id, since from segment_member
                        where workspace = :workspace and code = :code and profile_id > :after
                        order by profile_id limit :limit""", Object[].class,
                        Map.of("workspace", workspace, "code", code, "after", after, "limit", limit))
                .map(rows -> rows.stream().map(row -> new Member((String) row[0], Rows.instant(row[1]))).toList());
    }

    /**
     * Which of the profiles the rule selects now: {@code rule} in its {@linkplain SegmentSql#straightforward
     * straightforward} form, evaluated for those profiles alone (one probe per profile and condition).
     */
    public Uni<Set<String>> stillMatching(String workspace, SegmentSql.Compiled rule, List<String> profileIds) {
        if (profileIds.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return NativeSql.list("select p.profile_id from " + rule.profiles() + " where p.profile_id in (:memberIds)",
                        String.class, params(workspace, rule, Map.of("memberIds", profileIds)))
                .map(Set::copyOf);
    }

    public Uni<List<Change>> changes(String workspace, String code, long after, int limit) {
        return NativeSql.list("""
                        select sequence, profile_id, change, at from segment_change
                        where workspace = :workspace and code = :code and sequence > :after
                        order by sequence limit :limit""", Object[].class,
                        Map.of("workspace", workspace, "code", code, "after", after, "limit", limit))
                .map(rows -> rows.stream().map(row -> new Change(Rows.number(row[0]), (String) row[1],
                        (String) row[2], Rows.instant(row[3]))).toList());
    }

    public Uni<List<Membership>> membershipsOf(String workspace, String profileId) {
        return NativeSql.list("""
                        select s.code, s.name, m.since from segment_member m
                        join segment s on s.workspace = m.workspace and s.code = m.code
                        where m.workspace = :workspace and m.profile_id = :profileId order by s.code""",
                        Object[].class, Map.of("workspace", workspace, "profileId", profileId))
                .map(rows -> rows.stream().map(row -> new Membership((String) row[0], (String) row[1],
                        Rows.instant(row[2]))).toList());
    }

    /**
     * Merged-away profiles leave their segments (the survivor's membership follows at the next refresh). Each
     * segment's changes are written under its row's lock, as a refresh writes them: the sequence numbers of one
     * segment's log then commit in order, so a reader paging by sequence never passes one not yet committed.
     * Answers how many segments the profiles left; each segment's count of members goes down by those who left.
     */
    public Uni<Integer> leave(String workspace, List<String> profileIds) {
        Map<String, Object> params = Map.of("workspace", workspace, "ids", profileIds);
        return NativeSql.list("""
                        select code from segment where workspace = :workspace and code in (
                            select code from segment_member where workspace = :workspace and profile_id in (:ids))
                        order by code for update""", String.class, params)
                .chain(codes -> codes.isEmpty() ? Uni.createFrom().item(0) : NativeSql.update("""
                        with gone as (delete from segment_member where workspace = :workspace
                                and profile_id in (:ids) and code in (:codes) returning code, profile_id),
                            logged as (insert into segment_change (workspace, code, profile_id, change)
                                select :workspace, code, profile_id, 'left' from gone)
                        update segment s set members = greatest(0, s.members - g.left_count)
                        from (select code, count(*) as left_count from gone group by code) g
                        where s.workspace = :workspace and s.code = g.code""",
                        Map.of("workspace", workspace, "ids", profileIds, "codes", codes)));
    }

    /**
     * Erasure: the profile's change history goes, and it leaves its segments as a merged-away profile does, so that
     * the systems following a segment's changes drop the person too (the "left" holds the pseudonymous id alone).
     */
    public Uni<Integer> deleteFor(String workspace, String profileId) {
        // Its "left" changes stay: a retried erasure would otherwise delete the one it wrote, which followers need.
        return NativeSql.update("""
                        delete from segment_change where workspace = :workspace and profile_id = :profileId
                            and change <> 'left'""",
                        Map.of("workspace", workspace, "profileId", profileId))
                .chain(changes -> leave(workspace, List.of(profileId)).map(left -> changes + left));
    }

    private static Map<String, Object> params(String workspace, SegmentSql.Compiled rule, Map<String, Object> more) {
        Map<String, Object> params = new HashMap<>(rule.params());
        params.putAll(more);
        params.put("ws", workspace);
        return params;
    }

    private static SegmentRow segment(Object[] row) {
        return new SegmentRow((String) row[0], (String) row[1], (String) row[2], (String) row[3], Rows.number(row[4]),
                Rows.instant(row[5]), Rows.number(row[6]));
    }
}
