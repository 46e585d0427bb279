package io.portrait.recommendation.repository;

import io.portrait.recommendation.domain.ProfileGroups;
import io.portrait.recommendation.domain.SegmentMemberships;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.max;
import static com.mongodb.client.model.Updates.set;
import static com.mongodb.client.model.Updates.unset;
import static io.portrait.recommendation.repository.RecommendationStore.PROFILES;
import static io.portrait.recommendation.repository.RecommendationStore.PROFILE_ID;
import static io.portrait.recommendation.repository.RecommendationStore.WORKSPACE;

/**
 * The popularity groups of each profile: its region, as the latest event that named one said, and its segments.
 * The model counts a profile's purchases towards each of its groups.
 *
 * <p>Segments are kept as statements, per segment code the latest time the profile was known to be in it
 * ({@code segments_in.<code>}) and out of it ({@code segments_out.<code>}), each written with {@code $max} under the
 * profile's unique key alone: statements from tagging's membership changes and from the lists tagging gives when a
 * profile is served commute, so the fresher one wins whatever the order of the writes. A document written before
 * statements were kept holds the list ({@code segments}) and the time it was known ({@code segments_at}); it is read
 * as the statements that list made then.
 */
@ApplicationScoped
public class ProfileRepository {

    static final String REGION = "region";
    static final String REGION_AT = "region_at";
    /** The regions the profile's events named before the latest (see {@link Statements}). */
    static final String EARLIER_REGIONS = "earlier_regions";
    private static final Statements REGIONS = new Statements(REGION, REGION_AT, EARLIER_REGIONS);
    static final String SEGMENTS_IN = "segments_in";
    static final String SEGMENTS_OUT = "segments_out";
    static final String LEGACY_SEGMENTS = "segments";
    static final String LEGACY_SEGMENTS_AT = "segments_at";
    /** Set on the document of an erased profile, which then holds nothing else and takes no writes. */
    static final String ERASED_AT = "erased_at";
    /**
     * The generation of the latest unmerge that cleared the profile (see {@code ReplayId}), noted before it cleared
     * anything: a delivery compares it with what it read before its writes to find those it must take back.
     */
    static final String UNMERGED_BY = "unmerged_by";
    /** The survivor of the merge undone: where a delivery under way may have written the profile's events. */
    static final String UNMERGED_FROM = "unmerged_from";
    /** The merge that unmerge undid. */
    static final String UNMERGED_MERGE = "unmerged_merge";
    /** Whether that unmerge refused the profiles it cleared until its replay is done. */
    static final String UNMERGED_REFUSED = "unmerged_refused";

    private final ReactiveMongoCollection<Document> profiles;

    ProfileRepository(RecommendationStore store) {
        this.profiles = store.collection(PROFILES);
    }

    /**
     * The profile's region, unless the document holds a later one (then kept as named before it, see
     * {@link Statements}); nothing for an erased profile.
     */
    public Uni<Void> recordRegion(String workspace, String profileId, String region, Instant at) {
        Date when = Date.from(at);
        return VersionedWrite.apply(profiles, key(workspace, profileId),
                current -> erased(current) ? null : REGIONS.record(current, region, when)).replaceWithVoid();
    }

    /**
     * Adds statements about the profile's segments; a statement older than the one held for its segment is lost.
     * Nothing for an erased profile: tagging tells that it left its segments, and a request in flight may still
     * tell what it was in, after the erasure.
     */
    public Uni<Void> recordSegments(String workspace, String profileId, SegmentMemberships statements) {
        if (statements.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Bson> updates = new ArrayList<>();
        statements.in().forEach((code, at) -> updates.add(max(SEGMENTS_IN + "." + SegmentFields.escape(code),
                Date.from(at))));
        statements.out().forEach((code, at) -> updates.add(max(SEGMENTS_OUT + "." + SegmentFields.escape(code),
                Date.from(at))));
        Bson update = combine(updates);
        return VersionedWrite.apply(profiles, key(workspace, profileId), current -> erased(current) ? null : update)
                .replaceWithVoid();
    }

    /** The profile's groups; empty when it has none or was erased. */
    public Uni<Optional<ProfileGroups>> find(String workspace, String profileId) {
        return profiles.find(key(workspace, profileId)).collect().first()
                .map(document -> Optional.ofNullable(document).filter(d -> !erased(d)).map(ProfileRepository::toDomain));
    }

    /** Every profile of the workspace that has a group. */
    public Multi<ProfileGroups> all(String workspace) {
        return profiles.find(eq(WORKSPACE, workspace)).filter(d -> !erased(d)).map(ProfileRepository::toDomain);
    }

    /**
     * Erases the profile's groups, leaving a marker of the erasure in their place, so that no write arriving after
     * it (a segment change, a request in flight) brings any back. Answers whether anything was held.
     */
    public Uni<Boolean> erase(String workspace, String profileId, Instant at) {
        return VersionedWrite.apply(profiles, key(workspace, profileId), current -> erased(current) ? null
                        : combine(set(ERASED_AT, Date.from(at)), REGIONS.forget(), unset(SEGMENTS_IN),
                        unset(SEGMENTS_OUT), unset(LEGACY_SEGMENTS), unset(LEGACY_SEGMENTS_AT)))
                .map(result -> result.before() != null && !erased(result.before()));
    }

    /**
     * Takes back the region one event said, written into a profile it no longer belongs to: only where the profile
     * holds that very region, said at that time; the one the profile's own events named before it counts again.
     */
    public Uni<Void> withdrawRegion(String workspace, String profileId, String region, Instant at) {
        Date when = Date.from(at);
        return VersionedWrite.apply(profiles, key(workspace, profileId),
                current -> REGIONS.withdraw(current, region, when)).replaceWithVoid();
    }

    /**
     * Notes that an unmerge (its generation) is about to clear the profile. Written before the clearing, as the
     * erasure's marker is, so that a delivery's writes either come before the clearing (which removes them) or see
     * the note when the delivery looks again after them (see {@code InteractionService}).
     */
    public Uni<Void> markUnmerged(String workspace, String profileId, UnmergeNote note) {
        return Upsert.apply(profiles, key(workspace, profileId),
                combine(set(UNMERGED_BY, note.generation()), set(UNMERGED_FROM, note.survivorId()),
                        set(UNMERGED_MERGE, note.mergeId()), set(UNMERGED_REFUSED, note.refused())));
    }

    /**
     * The latest unmerge noted of each given profile; ids no unmerge cleared are absent (also once a merge took the
     * profile's document away). One lookup by the unique key per id.
     */
    public Uni<Map<String, UnmergeNote>> unmergesOf(String workspace, Collection<String> profileIds) {
        return documentsOf(workspace, profileIds).map(documents -> documents.stream()
                .filter(document -> document.get(UNMERGED_BY) instanceof String)
                .collect(Collectors.toMap(document -> document.getString(PROFILE_ID),
                        document -> new UnmergeNote(document.getString(UNMERGED_BY),
                                document.getString(UNMERGED_FROM), document.getString(UNMERGED_MERGE),
                                Boolean.TRUE.equals(document.getBoolean(UNMERGED_REFUSED))))));
    }

    /**
     * An unmerge as noted on a profile it cleared.
     *
     * @param generation the unmerge's attempt (see {@code ReplayId})
     * @param survivorId the survivor of the merge undone
     * @param mergeId    the merge undone; null on notes from before it was noted
     * @param refused    whether the unmerge refused the profiles it cleared until its replay is done, as it decided
     *                   before clearing anything (a retry decides the same, see {@code ProfileUnmergeService})
     */
    public record UnmergeNote(String generation, String survivorId, String mergeId, boolean refused) {
    }

    /**
     * The ids among {@code profileIds} that were erased: nothing delivered for them after the erasure is written (an
     * erased id never comes back). One lookup by the unique key per id.
     */
    public Uni<Set<String>> erasedAmong(String workspace, Collection<String> profileIds) {
        return documentsOf(workspace, profileIds).map(documents -> documents.stream()
                .filter(ProfileRepository::erased)
                .map(document -> document.getString(PROFILE_ID))
                .collect(Collectors.toSet()));
    }

    /** The documents of the given profiles that exist: one lookup by the unique key per id. */
    private Uni<List<Document>> documentsOf(String workspace, Collection<String> profileIds) {
        if (profileIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Multi.createFrom().iterable(Set.copyOf(profileIds))
                .onItem().transformToUniAndMerge(profileId ->
                        profiles.find(key(workspace, profileId)).collect().first())
                .filter(Objects::nonNull)
                .collect().asList();
    }

    private static boolean erased(Document document) {
        return document != null && document.containsKey(ERASED_AT);
    }

    /**
     * A merge: the merged profile's region goes to the survivor when it is the later one, and the merged profile's
     * document goes (tagging tells the segments it left). Repeatable: a retry finds the document gone or moves the
     * same region again.
     */
    public Uni<Void> mergeInto(String workspace, String survivorId, String mergedId) {
        return profiles.find(key(workspace, mergedId)).collect().first().chain(document -> {
            if (document == null || erased(document)) {
                return Uni.createFrom().voidItem();
            }
            String region = document.getString(REGION);
            Date at = document.getDate(REGION_AT);
            Uni<Void> moved = region == null || at == null ? Uni.createFrom().voidItem()
                    : recordRegion(workspace, survivorId, region, at.toInstant());
            return moved.chain(() -> profiles.deleteOne(key(workspace, mergedId))).replaceWithVoid();
        });
    }

    /**
     * An unmerge replays the profiles' events, which name their regions again; the segment statements stay, as
     * tagging keeps the memberships across an unmerge and tells no new "entered".
     */
    public Uni<Void> clearRegion(String workspace, String profileId) {
        return profiles.updateOne(key(workspace, profileId), REGIONS.forget()).replaceWithVoid();
    }

    private static Document key(String workspace, String profileId) {
        return RecommendationStore.profileKey(workspace, profileId);
    }

    private static ProfileGroups toDomain(Document document) {
        SegmentMemberships memberships = new SegmentMemberships(times(document, SEGMENTS_IN),
                times(document, SEGMENTS_OUT));
        Date legacyAt = document.getDate(LEGACY_SEGMENTS_AT);
        if (legacyAt != null) {
            List<String> legacy = document.getList(LEGACY_SEGMENTS, String.class, List.of());
            memberships = memberships.with(memberships.listed(legacy, legacyAt.toInstant()));
        }
        return new ProfileGroups(document.getString(PROFILE_ID), document.getString(REGION), memberships);
    }

    private static Map<String, Instant> times(Document document, String field) {
        Document statements = document.get(field, Document.class);
        Map<String, Instant> times = new HashMap<>();
        if (statements != null) {
            statements.forEach((code, at) -> {
                if (at instanceof Date date) {
                    times.put(SegmentFields.unescape(code), date.toInstant());
                }
            });
        }
        return times;
    }
}
