package io.portrait.recommendation.repository;

import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.bson.Document;

import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;

import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.set;
import static com.mongodb.client.model.Updates.unset;
import static io.portrait.recommendation.repository.RecommendationStore.CONSENTS;

/**
 * The latest personalization consent each profile gave, by the time of the event that carried it (with the few it
 * gave before, see {@link Statements}); and, while an unmerge's events are delivered again, a provisional refusal that
 * holds whatever the replayed events say until the replay is done (see {@link #refuseUntilReplayed}). A refusal stands
 * only while its replay is under way: one found after it (written before replays were noted, so that no replay ever
 * ends it) is ended when read.
 */
@ApplicationScoped
public class ConsentRepository {

    static final String PERSONALIZATION = "personalization";
    static final String GIVEN_AT = "given_at";
    /** The merge whose undoing refuses the profile until its events are all delivered again. */
    static final String REFUSED_UNTIL_REPLAYED = "refused_until_replayed";
    /** The generation of that replay (see {@link ReplayId}); absent on refusals from before generations. */
    static final String REFUSAL_GENERATION = "refusal_generation";
    /** What the profile's events said before the latest statement (see {@link Statements}). */
    static final String EARLIER = "earlier";
    private static final Statements STATEMENTS = new Statements(PERSONALIZATION, GIVEN_AT, EARLIER);

    private final ReactiveMongoCollection<Document> consents;
    private final ReplayRepository replays;

    ConsentRepository(RecommendationStore store, ReplayRepository replays) {
        this.consents = store.collection(CONSENTS);
        this.replays = replays;
    }

    /**
     * Records what an event said: it counts unless a later event said otherwise, and is kept as said before that
     * otherwise (see {@link Statements}); a provisional refusal stays.
     */
    public Uni<Void> record(String workspace, String profileId, boolean personalization, Instant givenAt) {
        return VersionedWrite.apply(consents, key(workspace, profileId),
                current -> STATEMENTS.record(current, personalization, Date.from(givenAt))).replaceWithVoid();
    }

    /**
     * Takes back what one event said, written into a profile it no longer belongs to (see
     * {@code ProfileUnmergeService#withdraw}): only where the profile holds that very statement, given at that time.
     * What the profile's own events said before it counts again, even when delivered after it; nothing when they said
     * nothing (a provisional refusal stays).
     */
    public Uni<Void> withdraw(String workspace, String profileId, boolean personalization, Instant givenAt) {
        return VersionedWrite.apply(consents, key(workspace, profileId),
                current -> STATEMENTS.withdraw(current, personalization, Date.from(givenAt))).replaceWithVoid();
    }

    /**
     * The profile's consent as it holds now: a refusal while a provisional refusal stands (with the time of what the
     * events said meanwhile, null when they said nothing); empty when it never said.
     *
     * <p>A provisional refusal whose replay is no longer under way is over: the unmerge notes its replay before it
     * refuses anyone, and a replay is finished only once it ended its refusals. Any replay of the merge's undoing
     * keeps it standing, whichever attempt's: a retried unmerge notes its replay again before it refuses again. One
     * found without its replay was written before replays were noted (no count of events would ever end it, and the
     * profile would stay unpersonalized for good), so it is ended here and the profile's own events count again.
     */
    public Uni<Optional<Consent>> find(String workspace, String profileId) {
        return consents.find(key(workspace, profileId)).collect().first().chain(document -> {
            if (document == null || !document.containsKey(REFUSED_UNTIL_REPLAYED)) {
                return Uni.createFrom().item(said(document));
            }
            Object refusal = document.get(REFUSED_UNTIL_REPLAYED);
            Uni<Boolean> underWay = refusal instanceof String mergeId ? replays.underWay(workspace, mergeId)
                    : Uni.createFrom().item(Boolean.FALSE);
            return underWay.chain(stands -> stands ? Uni.createFrom().item(Optional.of(new Consent(false,
                            givenAt(document))))
                    : endRefusal(workspace, profileId, refusal, document.get(REFUSAL_GENERATION))
                    .map(ended -> said(document)));
        });
    }

    /** What the profile's own events said, as the document holds it; empty when they said nothing. */
    private static Optional<Consent> said(Document document) {
        if (document == null) {
            return Optional.empty();
        }
        Boolean personalization = document.getBoolean(PERSONALIZATION);
        Instant at = givenAt(document);
        return personalization == null || at == null ? Optional.empty() : Optional.of(new Consent(personalization, at));
    }

    private static Instant givenAt(Document document) {
        Date givenAt = document.getDate(GIVEN_AT);
        return givenAt == null ? null : givenAt.toInstant();
    }

    /**
     * Forgets what the profile said and refuses it provisionally, until the events the merge's undoing delivers again
     * are all applied: what they say is recorded meanwhile, but only {@link #endRefusalUntilReplayed} lets it count.
     */
    public Uni<Void> refuseUntilReplayed(String workspace, String profileId, ReplayId replay) {
        return VersionedWrite.apply(consents, key(workspace, profileId), current ->
                combine(set(REFUSED_UNTIL_REPLAYED, replay.mergeId()), set(REFUSAL_GENERATION, replay.generation()),
                        STATEMENTS.forget()))
                .replaceWithVoid();
    }

    /**
     * Ends the provisional refusal of the replay: the profile's consent is again what its own events said, and nothing
     * when they said nothing. Nothing when the profile is not refused for that replay (any more), e.g. when a later
     * unmerge's refusal took its place, or a retry of the same unmerge refused it again for its own replay.
     */
    public Uni<Void> endRefusalUntilReplayed(String workspace, String profileId, ReplayId replay) {
        return endRefusal(workspace, profileId, replay.mergeId(), replay.generation());
    }

    /** Ends the refusal the document holds if it is still the one given (as stored: a value of any type, or null). */
    private Uni<Void> endRefusal(String workspace, String profileId, Object mergeId, Object generation) {
        return VersionedWrite.apply(consents, key(workspace, profileId), current ->
                current != null && current.containsKey(REFUSED_UNTIL_REPLAYED)
                        && Objects.equals(mergeId, current.get(REFUSED_UNTIL_REPLAYED))
                        && Objects.equals(generation, current.get(REFUSAL_GENERATION))
                        ? combine(unset(REFUSED_UNTIL_REPLAYED), unset(REFUSAL_GENERATION)) : null)
                .replaceWithVoid();
    }

    /**
     * A merge: what the merged profile's events said goes to the survivor unless the survivor's say is later, and the
     * merged profile's consent goes. A provisional refusal is not carried over (it belongs to the unmerge whose replay
     * it bridges). Repeatable: a retry finds the merged profile's consent gone, or moves the same statement again.
     */
    public Uni<Void> mergeInto(String workspace, String survivorId, String mergedId) {
        return consents.find(key(workspace, mergedId)).collect().first().chain(document -> {
            if (document == null) {
                return Uni.createFrom().voidItem();
            }
            Boolean personalization = document.getBoolean(PERSONALIZATION);
            Date givenAt = document.getDate(GIVEN_AT);
            Uni<Void> moved = personalization == null || givenAt == null ? Uni.createFrom().voidItem()
                    : record(workspace, survivorId, personalization, givenAt.toInstant());
            return moved.chain(() -> delete(workspace, mergedId)).replaceWithVoid();
        });
    }

    public Uni<Boolean> delete(String workspace, String profileId) {
        return consents.deleteOne(key(workspace, profileId)).map(result -> result.getDeletedCount() > 0);
    }

    private static Document key(String workspace, String profileId) {
        return RecommendationStore.profileKey(workspace, profileId);
    }

    /** A personalization consent and when it was given (null for a provisional refusal nothing else said). */
    public record Consent(boolean personalization, Instant givenAt) {
    }
}
