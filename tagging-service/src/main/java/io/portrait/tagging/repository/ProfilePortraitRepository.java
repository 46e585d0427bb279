package io.portrait.tagging.repository;

import io.portrait.tagging.domain.StoredTagValue;
import io.portrait.tagging.domain.TagDefinition;
import io.portrait.tagging.engine.EventCounts;
import io.portrait.tagging.repository.SegmentRepository.Membership;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The reads behind a profile's portrait (the profile view's tagging part), on the reactive client directly: they
 * run on every view, and an ORM session would add its own work and a round trip per query.
 */
@ApplicationScoped
public class ProfilePortraitRepository {

    // Everything tagging holds for the live profile in one round trip, one row per counter, value and membership
    // (tagged by part), plus one row that answers the live id also when nothing is held.
    private static final String PORTRAIT = """
            with live as (
                select coalesce((select survivor_id from profile_alias where workspace = $1 and merged_id = $2), $2)
                       as live_id)
            select 'event' as part, live.live_id, c.name as code, null::text as name, c.event_count,
                   c.first_at as at, c.last_at, null::integer as version, null::text as value, null::text as reason
            from live join event_counter c on c.workspace = $1 and c.profile_id = live.live_id
            union all
            select 'tag', live.live_id, v.code, null, null, v.updated_at, null, v.version, v.value, v.reason
            from live join tag_value v on v.workspace = $1 and v.profile_id = live.live_id
            union all
            select 'segment', live.live_id, s.code, s.name, null, m.since, null, null, null, null
            from live join segment_member m on m.workspace = $1 and m.profile_id = live.live_id
            join segment s on s.workspace = m.workspace and s.code = m.code
            union all
            select 'profile', live.live_id, null, null, null, null, null, null, null, null from live""";
    private static final String SERVED_DEFINITIONS = """
            select code, name, description, owner, category_code, kind, value_type, update_mode, status,
                   latest_version, live_version, created_at, updated_at
            from tag_definition where workspace = $1 and live_version is not null and status <> 'retired'
            order by code""";

    /**
     * What tagging holds for one live profile: counters by event name, stored values of every version, and
     * segment memberships by code.
     */
    public record PortraitRows(String profileId, SortedMap<String, EventCounts> counters, List<StoredTagValue> values,
                               List<Membership> segments) {
    }

    private final Pool pool;

    public ProfilePortraitRepository(Pool pool) {
        this.pool = pool;
    }

    /** Everything held for the live profile behind {@code profileId} (its survivor if it was merged away). */
    public Uni<PortraitRows> portrait(String workspace, String profileId) {
        return pool.preparedQuery(PORTRAIT).execute(Tuple.of(workspace, profileId)).map(rows -> {
            String liveId = profileId;
            SortedMap<String, EventCounts> counters = new TreeMap<>();
            List<StoredTagValue> values = new ArrayList<>();
            List<Membership> segments = new ArrayList<>();
            for (Row row : rows) {
                liveId = row.getString("live_id");
                switch (row.getString("part")) {
                    case "event" -> counters.put(row.getString("code"), new EventCounts(row.getLong("event_count"),
                            instant(row.getOffsetDateTime("at")), instant(row.getOffsetDateTime("last_at"))));
                    case "tag" -> values.add(new StoredTagValue(liveId, row.getString("code"),
                            row.getInteger("version"), row.getString("value"), row.getString("reason"),
                            instant(row.getOffsetDateTime("at"))));
                    case "segment" -> segments.add(new Membership(row.getString("code"), row.getString("name"),
                            instant(row.getOffsetDateTime("at"))));
                    default -> {
                    }
                }
            }
            values.sort(Comparator.comparing(StoredTagValue::code).thenComparing(StoredTagValue::version));
            segments.sort(Comparator.comparing(Membership::code));
            return new PortraitRows(liveId, counters, values, segments);
        });
    }

    /** The definitions whose values are served: published (a live version) and not retired. */
    public Uni<List<TagDefinition>> servedDefinitions(String workspace) {
        return pool.preparedQuery(SERVED_DEFINITIONS).execute(Tuple.of(workspace)).map(rows -> {
            List<TagDefinition> definitions = new ArrayList<>();
            for (Row row : rows) {
                definitions.add(new TagDefinition(row.getString("code"), row.getString("name"),
                        row.getString("description"), row.getString("owner"), row.getString("category_code"),
                        row.getString("kind"), row.getString("value_type"), row.getString("update_mode"),
                        row.getString("status"), row.getInteger("latest_version"), row.getInteger("live_version"),
                        instant(row.getOffsetDateTime("created_at")), instant(row.getOffsetDateTime("updated_at"))));
            }
            return definitions;
        });
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
