package io.portrait.identity.service;

import io.portrait.identity.domain.ConflictException;
import io.portrait.identity.domain.GraphChange;
import io.portrait.identity.domain.InvalidRequestException;
import io.portrait.identity.domain.MatchReview;
import io.portrait.identity.domain.Merge;
import io.portrait.identity.domain.MergeReason;
import io.portrait.identity.domain.PageSize;
import io.portrait.identity.domain.ProfileNotFoundException;
import io.portrait.identity.domain.ReviewDecision;
import io.portrait.identity.domain.ReviewPage;
import io.portrait.identity.engine.GoldenTrait;
import io.portrait.identity.engine.IdentityRules;
import io.portrait.identity.engine.ProfileSnapshot;
import io.portrait.identity.engine.ResolutionEngine;
import io.portrait.identity.engine.ResolutionPlan;
import io.portrait.identity.repository.GraphChangeRepository;
import io.portrait.identity.repository.IdentityGraphRepository;
import io.portrait.identity.repository.PersonMatchRepository;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The review queue: pairs of profiles whose person traits scored between the thresholds, listed oldest first and
 * decided by an operator. Accepting merges the pair under the same profile row locks resolution takes; rejecting
 * records the pair as two people.
 */
@ApplicationScoped
public class ReviewQueueService {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    private final PersonMatchRepository store;
    private final IdentityGraphRepository graph;
    private final PersonMatching matching;
    private final IdentityRules rules;
    private final GraphChangeRepository changes;
    private final Pool pool;
    private final ConflictRetry retry;
    private final Clock clock;

    public ReviewQueueService(PersonMatchRepository store, IdentityGraphRepository graph, PersonMatching matching,
                              IdentityRules rules, GraphChangeRepository changes, Pool pool,
                              ConflictRetry retry, Clock clock) {
        this.store = store;
        this.graph = graph;
        this.matching = matching;
        this.rules = rules;
        this.changes = changes;
        this.pool = pool;
        this.retry = retry;
        this.clock = clock;
    }

    /**
     * One page of the queue in the order pairs were proposed.
     *
     * @param status  pending, accepted or rejected; blank for all
     * @param cursor  the previous page's next cursor; blank for the first page
     * @param limit   1 to 500; 0 for the default of 50
     */
    public Uni<ReviewPage> list(String workspace, String status, String cursor, int limit) {
        return Uni.createFrom().item(() -> new ListQuery(
                        status == null || status.isBlank() ? null : MatchReview.Status.parse(status.strip()).wireName(),
                        parseCursor(cursor), PageSize.of(limit, DEFAULT_LIMIT, MAX_LIMIT)))
                .flatMap(query -> store.listReviews(workspace, query.status(), query.afterSeq(), query.limit() + 1)
                        .flatMap(found -> {
                            boolean more = found.size() > query.limit();
                            List<MatchReview> page = more ? found.subList(0, query.limit()) : found;
                            String next = more ? Long.toString(page.get(page.size() - 1).seq()) : null;
                            return withTraits(workspace, page).map(reviews -> new ReviewPage(reviews, next));
                        }));
    }

    /**
     * Merges the pair (the older profile survives) and marks the review accepted; the merge joins the graph change
     * feed in the same transaction, so the services keyed by profile learn of it (through ingestion) or nothing
     * happened.
     */
    public Uni<ReviewDecision> accept(String workspace, String reviewId, String decidedBy) {
        return Uni.createFrom().item(() -> ProfileService.parseId("review_id", reviewId))
                .flatMap(id -> retried(workspace, "acceptance of review " + id, tx -> pending(tx, workspace, id)
                        .flatMap(review -> graph.lockProfiles(tx, workspace,
                                        List.of(review.profileId(), review.candidateId()))
                                // Timed by the database under the locks, as every merge is.
                                .flatMap(locked -> graph.mergeTime(tx)
                                        .flatMap(at -> mergePair(tx, workspace, review, locked, at)))
                                .flatMap(merge -> store.decide(tx, workspace, id, MatchReview.Status.ACCEPTED,
                                                merge.mergedAt(), blankToNull(decidedBy), merge.mergeId())
                                        .flatMap(ignored -> changes.insert(tx, workspace, GraphChange.Kind.MERGE,
                                                merge.mergeId(), merge.survivorId(), merge.mergedIds(), List.of(),
                                                merge.mergedAt()))
                                        .replaceWith(merge)))))
                .invoke(merge -> Log.infof("Workspace %s: review %s accepted, merged %s into %s", workspace, reviewId,
                        merge.mergedIds(), merge.survivorId()))
                .flatMap(merge -> decided(workspace, reviewId, merge));
    }

    /** Records the pair as two people: it is never proposed again. */
    public Uni<ReviewDecision> reject(String workspace, String reviewId, String decidedBy) {
        Instant now = now();
        return Uni.createFrom().item(() -> ProfileService.parseId("review_id", reviewId))
                .flatMap(id -> retried(workspace, "rejection of review " + id, tx -> pending(tx, workspace, id)
                        .flatMap(review -> store.decide(tx, workspace, id, MatchReview.Status.REJECTED, now,
                                blankToNull(decidedBy), null))))
                .invoke(() -> Log.infof("Workspace %s: review %s rejected", workspace, reviewId))
                .flatMap(ignored -> decided(workspace, reviewId, null));
    }

    private Uni<MatchReview> pending(SqlConnection tx, String workspace, UUID id) {
        return store.lockReview(tx, workspace, id).map(review -> {
            if (review == null) {
                throw new ProfileNotFoundException("no review " + id);
            }
            if (review.status() != MatchReview.Status.PENDING) {
                throw new ConflictException("review " + id + " was " + review.status().wireName() + " already");
            }
            return review;
        });
    }

    /**
     * Both profiles must still exist and be live: a profile merged since may now be part of someone the operator
     * never saw, so the decision is refused rather than applied to a different pair.
     */
    private Uni<Merge> mergePair(SqlConnection tx, String workspace, MatchReview review, List<ProfileSnapshot> locked,
                                 Instant now) {
        for (UUID id : List.of(review.profileId(), review.candidateId())) {
            ProfileSnapshot snapshot = locked.stream().filter(p -> p.id().equals(id)).findFirst().orElse(null);
            if (snapshot == null) {
                throw new ProfileNotFoundException("profile " + id + " of review " + review.id() + " was erased");
            }
            if (!snapshot.live()) {
                throw new ConflictException("profile " + id + " of review " + review.id()
                        + " has since been merged into " + snapshot.mergedInto() + "; review that profile instead");
            }
        }
        return graph.listHeld(tx, workspace, List.of(review.profileId(), review.candidateId())).flatMap(held -> {
            if (!rules.allowsMerge(held.getOrDefault(review.profileId(), List.of()),
                    held.getOrDefault(review.candidateId(), List.of()), now)) {
                throw new ConflictException("profiles of review " + review.id()
                        + " hold different values of a unique identifier type, or together exceed a limit");
            }
            ResolutionPlan plan = ResolutionEngine.plan(locked);
            Merge merge = new Merge(UUID.randomUUID(), plan.targetId(), plan.mergedIds(), now);
            return graph.mergeProfiles(tx, workspace, plan.targetId(), plan.mergedIds(), now)
                    .flatMap(ignored -> graph.insertMergeRecord(tx, workspace, merge, review.causeEventId(),
                            MergeReason.REVIEW, review.score()))
                    .flatMap(ignored -> graph.updateStats(tx, workspace, plan.targetId(), plan.baseStats()))
                    .flatMap(ignored -> matching.refresh(tx, workspace, plan.targetId()))
                    .replaceWith(merge);
        });
    }

    private Uni<ReviewDecision> decided(String workspace, String reviewId, Merge merge) {
        return store.findReview(workspace, UUID.fromString(reviewId.strip()))
                .flatMap(review -> withTraits(workspace, List.of(review)))
                .map(decisions -> {
                    ReviewDecision decision = decisions.get(0);
                    return new ReviewDecision(decision.review(), decision.profileTraits(), decision.candidateTraits(),
                            merge);
                });
    }

    /** Each review with both sides' golden person traits, read in one query. */
    private Uni<List<ReviewDecision>> withTraits(String workspace, List<MatchReview> reviews) {
        Set<UUID> ids = new HashSet<>();
        reviews.forEach(review -> {
            ids.add(review.profileId());
            ids.add(review.candidateId());
        });
        return matching.personTraits(pool, workspace, ids).map(traits -> {
            List<ReviewDecision> decisions = new ArrayList<>(reviews.size());
            for (MatchReview review : reviews) {
                decisions.add(new ReviewDecision(review, traitsOf(traits, review.profileId()),
                        traitsOf(traits, review.candidateId()), null));
            }
            return decisions;
        });
    }

    private static List<GoldenTrait> traitsOf(Map<UUID, List<GoldenTrait>> traits, UUID id) {
        return traits.getOrDefault(id, List.of());
    }

    /** One transaction, retried whole as resolution's are; UNAVAILABLE once the retries run out. */
    private <T> Uni<T> retried(String workspace, String operation, Function<SqlConnection, Uni<T>> work) {
        return retry.run(workspace, operation, () -> store.inTransaction(work));
    }

    private static long parseCursor(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return 0;
        }
        try {
            long seq = Long.parseLong(cursor.strip());
            if (seq < 0) {
                throw new NumberFormatException();
            }
            return seq;
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("cursor", "is not a cursor this service answered");
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private record ListQuery(String status, long afterSeq, int limit) {
    }
}
