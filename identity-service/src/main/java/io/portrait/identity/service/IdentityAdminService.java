package io.portrait.identity.service;

import io.portrait.identity.domain.ConflictException;
import io.portrait.identity.domain.DetachedIdentifier;
import io.portrait.identity.domain.Erasure;
import io.portrait.identity.domain.GraphChange;
import io.portrait.identity.domain.IdentifierValue;
import io.portrait.identity.domain.InvalidRequestException;
import io.portrait.identity.domain.MergeHistoryEntry;
import io.portrait.identity.domain.MergePage;
import io.portrait.identity.domain.MergeRecord;
import io.portrait.identity.domain.PageSize;
import io.portrait.identity.domain.ProfileNotFoundException;
import io.portrait.identity.domain.ProfileView;
import io.portrait.identity.domain.Unmerge;
import io.portrait.identity.engine.IdentifierKey;
import io.portrait.identity.engine.IdentityRules;
import io.portrait.identity.engine.Replay;
import io.portrait.identity.engine.StoredIdentifier;
import io.portrait.identity.repository.GraphChangeRepository;
import io.portrait.identity.repository.GraphMaintenanceRepository;
import io.portrait.identity.repository.GraphMaintenanceRepository.MergeRow;
import io.portrait.identity.repository.MergeRecordRepository;
import io.portrait.identity.repository.ProfileRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Repairs of the identity graph: merge history, unbinding an identifier, splitting a wrong merge, erasure. Each is
 * one transaction under the profile row locks resolution takes, retried whole when a resolution got in the way
 * (answered UNAVAILABLE, nothing done, when that keeps happening).
 */
@ApplicationScoped
public class IdentityAdminService {

    /** Most lookup hashes one {@link #erasedIdentifiers} call checks. */
    public static final int MAX_ERASED_LOOKUP = 10_000;
    /** A lookup hash: the keyed hash (HMAC-SHA256, 32 bytes) in hex. */
    private static final Pattern LOOKUP_HASH = Pattern.compile("[0-9a-fA-F]{64}");

    private final GraphMaintenanceRepository graph;
    private final ProfileRepository profiles;
    private final MergeRecordRepository merges;
    private final ProfileService profileService;
    private final PersonMatching matching;
    private final GraphChangeRepository changes;
    private final IdentityRules rules;
    private final IdentifierProtection protection;
    private final ConflictRetry retry;
    private final Clock clock;

    public IdentityAdminService(GraphMaintenanceRepository graph, ProfileRepository profiles,
                                MergeRecordRepository merges, ProfileService profileService,
                                PersonMatching matching, GraphChangeRepository changes, IdentityRules rules,
                                IdentifierProtection protection, ConflictRetry retry, Clock clock) {
        this.graph = graph;
        this.profiles = profiles;
        this.merges = merges;
        this.profileService = profileService;
        this.matching = matching;
        this.changes = changes;
        this.rules = rules;
        this.protection = protection;
        this.retry = retry;
        this.clock = clock;
    }

    /**
     * One page of the merges that built the profile an id stands for, oldest first, undone ones included.
     *
     * @param cursor the previous page's next cursor; blank for the first page
     * @param limit  1 to 500; 0 for the default of 50
     */
    public Uni<MergePage> mergeHistory(String workspace, String profileId, String cursor, int limit) {
        return Uni.createFrom().item(() -> new HistoryQuery(ProfileService.parseId("profile_id", profileId),
                        MergePage.Cursor.parse(cursor),
                        PageSize.of(limit, MergePage.DEFAULT_LIMIT, MergePage.MAX_LIMIT)))
                .flatMap(query -> Panache.withSession(() -> profiles.findLive(workspace, query.profileId())
                        .flatMap(live -> {
                            if (live == null) {
                                return Uni.createFrom().failure(
                                        new ProfileNotFoundException("no profile " + query.profileId()));
                            }
                            return profiles.findMergedInto(workspace, live.id).flatMap(mergedIds -> {
                                List<UUID> group = new ArrayList<>(mergedIds);
                                group.add(live.id);
                                return merges.pageBySurvivors(workspace, group, query.after(), query.limit() + 1);
                            });
                        }))
                        .map(records -> {
                            List<MergeHistoryEntry> found = records.stream().map(MergeRecord::toHistoryEntry).toList();
                            if (found.size() <= query.limit()) {
                                return new MergePage(found, null);
                            }
                            List<MergeHistoryEntry> page = found.subList(0, query.limit());
                            return new MergePage(page, MergePage.Cursor.after(page.get(page.size() - 1)).toString());
                        }));
    }

    /** Removes one identifier from the profile an id stands for; a later event carrying it resolves it anew. */
    public Uni<ProfileView> unbind(String workspace, String profileId, String type, String value) {
        return Uni.createFrom().item(() -> new UnbindTarget(ProfileService.parseId("profile_id", profileId),
                        profileService.keyOf(type, value)))
                .flatMap(target -> retried(workspace, "unbind from " + target.profileId(), tx ->
                        lockedLive(tx, workspace, target.profileId())
                                .flatMap(live -> graph.deleteIdentifier(tx, workspace, live, target.key())
                                        .map(deleted -> {
                                            if (!deleted) {
                                                // The type only: the value is PII.
                                                throw new ProfileNotFoundException(
                                                        "profile " + target.profileId() + " holds no such " + type);
                                            }
                                            return live;
                                        }))))
                .invoke(live -> Log.infof("Workspace %s: unbound a %s from profile %s", workspace, type, live))
                .flatMap(live -> profileService.get(workspace, live.toString()));
    }

    /**
     * Splits a merge: each profile it folded away is live again with the identifiers it (and whatever it had
     * absorbed before) brought; the holder keeps the rest, including identifiers attached after the merge. Then
     * both sides are replayed under the current rules: what those forbid on a side (a value blocked since, a second
     * value of a unique type, more of a type than its limit allows) is detached from it and answered.
     */
    public Uni<Unmerge> unmerge(String workspace, String mergeId, String reason) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return Uni.createFrom().item(() -> ProfileService.parseId("merge_id", mergeId))
                .flatMap(id -> retried(workspace, "unmerge " + id, tx -> splitMerge(tx, workspace, id, now, reason)))
                .invoke(split -> Log.infof("Workspace %s: unmerged %s; %d identifiers detached under the current rules",
                        workspace, mergeId, split.detached().size()))
                .flatMap(split -> profileService.get(workspace, split.holder().toString())
                        .flatMap(survivor -> Multi.createFrom().iterable(split.restored())
                                .onItem().transformToUniAndConcatenate(restored ->
                                        profileService.get(workspace, restored.toString()))
                                .collect().asList()
                                .map(restored -> new Unmerge(survivor, restored, split.detached()))));
    }

    /** Locks the merge and splits it; NOT_FOUND when unknown, a conflict when undone already. */
    private Uni<Split> splitMerge(SqlConnection tx, String workspace, UUID id, Instant now, String reason) {
        return graph.lockMerge(tx, workspace, id).flatMap(merge -> {
            if (merge == null) {
                return Uni.createFrom().failure(new ProfileNotFoundException("no merge " + id));
            }
            if (merge.undone()) {
                return Uni.createFrom().failure(new ConflictException("merge " + id + " was undone already"));
            }
            return split(tx, workspace, merge, now, reason);
        });
    }

    /**
     * The split, and its entry in the graph change feed in the same transaction: the holder's whole group before the
     * split with the profile each id belongs to after it, which is what the services keyed by profile need to put
     * every event back where it belongs. Once the identifiers are back with the profiles that brought them, each
     * side is replayed under the current rules ({@link IdentityRules#replay}) and loses what they forbid there.
     */
    private Uni<Split> split(SqlConnection tx, String workspace, MergeRow merge, Instant now, String reason) {
        return graph.liveId(tx, workspace, merge.survivorId()).flatMap(holder -> {
            List<UUID> toLock = new ArrayList<>(merge.mergedIds());
            toLock.add(holder);
            return graph.lockLive(tx, workspace, toLock).call(live -> {
                if (!live.contains(holder)) {
                    throw new ConcurrentChangeException("the survivor was merged away before it was locked");
                }
                // Read again under the locks: a concurrent unmerge may have moved the ids this one restores to
                // another holder after the holder was looked up (it would split off an empty profile).
                return stillHeldBy(tx, workspace, merge.mergedIds(), holder);
            }).flatMap(live -> {
                Map<UUID, UUID> owners = new HashMap<>();
                Uni<Void> chain = graph.group(tx, workspace, holder)
                        .invoke(group -> group.forEach(id -> owners.put(id, holder)))
                        .replaceWithVoid();
                for (UUID restored : merge.mergedIds()) {
                    chain = chain.flatMap(ignored -> graph.foldedInto(tx, workspace, restored, merge.mergedAt())
                            .invoke(folded -> folded.forEach(id -> owners.put(id, restored)))
                            .flatMap(folded -> graph.restore(tx, workspace, restored, folded, holder))
                            .replaceWithVoid());
                }
                List<DetachedIdentifier> detached = new ArrayList<>();
                chain = chain.flatMap(ignored -> replay(tx, workspace, toLock)).invoke(detached::addAll).replaceWithVoid();
                // Each side's golden record is its own again: so are the keys it is found by.
                for (UUID refreshed : toLock) {
                    chain = chain.flatMap(ignored -> matching.refresh(tx, workspace, refreshed));
                }
                return chain
                        .flatMap(ignored -> graph.subtractEvents(tx, workspace, merge.survivorId(), merge.mergedAt(),
                                merge.mergedIds()))
                        .flatMap(ignored -> graph.markUndone(tx, workspace, merge.id(), now, reason))
                        .flatMap(ignored -> {
                            List<UUID> group = owners.keySet().stream().sorted().toList();
                            return changes.insert(tx, workspace, GraphChange.Kind.UNMERGE, merge.id(), holder, group,
                                    group.stream().map(owners::get).toList(), now);
                        })
                        .map(ignored -> new Split(holder, merge.mergedIds(), detached));
            });
        });
    }

    /**
     * Replays each side of a split under the current rules and deletes from it the identifiers they forbid there,
     * as unbind does: they are matched no more, and a later event carrying one resolves it anew.
     */
    private Uni<List<DetachedIdentifier>> replay(SqlConnection tx, String workspace, List<UUID> sides) {
        return graph.listIdentifiers(tx, workspace, sides).flatMap(held -> {
            List<DetachedIdentifier> detached = new ArrayList<>();
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (UUID side : sides) {
                List<StoredIdentifier> identifiers = held.getOrDefault(side, List.of()).stream()
                        .map(sealed -> new StoredIdentifier(sealed.key(), protection.open(sealed.sealedValue()),
                                sealed.seenAt()))
                        .toList();
                Replay replay = rules.replay(identifiers);
                if (replay.detached().isEmpty()) {
                    continue;
                }
                replay.detached().forEach(gone -> detached.add(new DetachedIdentifier(side,
                        new IdentifierValue(gone.identifier().key().type(), gone.identifier().value()),
                        gone.reason().wireName())));
                List<IdentifierKey> keys = replay.detached().stream().map(gone -> gone.identifier().key()).toList();
                chain = chain.flatMap(ignored -> graph.deleteIdentifiers(tx, workspace, side, keys).map(deleted -> {
                    if (deleted != keys.size()) {
                        throw new ConcurrentChangeException("an identifier of a split profile changed meanwhile");
                    }
                    return null;
                }));
            }
            return chain.map(ignored -> detached);
        });
    }

    /**
     * Erases the profile an id stands for and every profile merged into it; the keyed hashes of its identifiers
     * stay as a tombstone so that they are never collected again. An id erased already answers that erasure (every
     * profile of its group, the identifiers it suppressed and their keyed hashes): a caller retrying after a lost
     * answer learns the whole group, which it must erase elsewhere too, not just the id it asked for, and what else
     * carries the person.
     */
    public Uni<Erasure> erase(String workspace, String profileId, String reason) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return Uni.createFrom().item(() -> ProfileService.parseId("profile_id", profileId))
                .flatMap(id -> retried(workspace, "erasure of " + id, tx -> lockedLive(tx, workspace, id)
                        .flatMap(live -> graph.group(tx, workspace, live)
                                .flatMap(group -> graph.lockLive(tx, workspace, group)
                                        .flatMap(ignored -> graph.erase(tx, workspace, live, group, now, reason)))))
                        .invoke(erasure -> Log.infof("Workspace %s: erased profiles %s, %d identifiers suppressed",
                                workspace, erasure.erasedProfileIds(), erasure.identifiersSuppressed()))
                        .onFailure(ProfileNotFoundException.class).recoverWithUni(unknown ->
                                graph.erasureHolding(workspace, id).map(earlier -> {
                                    if (earlier == null) {
                                        throw (ProfileNotFoundException) unknown;
                                    }
                                    return earlier;
                                })));
    }

    /**
     * Those of the lookup hashes (lowercase hex, as an erasure answers them) that the workspace's erasures
     * suppressed: what another service still holding data it stored before it kept the hashes must erase now. At most
     * {@link #MAX_ERASED_LOOKUP} at once; each is validated, never echoed (a hash of personal data).
     */
    public Uni<List<String>> erasedIdentifiers(String workspace, List<String> identifierHashes) {
        return Uni.createFrom().item(() -> lookupHashes(identifierHashes))
                .flatMap(hashes -> graph.erased(workspace, hashes));
    }

    private static Set<String> lookupHashes(List<String> given) {
        if (given.size() > MAX_ERASED_LOOKUP) {
            throw new InvalidRequestException("identifier_hashes", "holds " + given.size() + " hashes; at most "
                    + MAX_ERASED_LOOKUP + " per request");
        }
        Set<String> hashes = new LinkedHashSet<>();
        for (String hash : given) {
            if (!LOOKUP_HASH.matcher(hash).matches()) {
                throw new InvalidRequestException("identifier_hashes",
                        "each identifier hash is 64 hex digits, as an erasure answers it");
            }
            hashes.add(hash.toLowerCase(Locale.ROOT));
        }
        return hashes;
    }

    /** Locks the live profile an id stands for; NOT_FOUND when the id is unknown. */
    private Uni<UUID> lockedLive(SqlConnection tx, String workspace, UUID id) {
        return graph.liveId(tx, workspace, id).flatMap(live -> {
            if (live == null) {
                return Uni.createFrom().failure(new ProfileNotFoundException("no profile " + id));
            }
            return graph.lockLive(tx, workspace, List.of(live)).map(locked -> {
                if (locked.isEmpty()) {
                    throw new ConcurrentChangeException("profile was merged away before it was locked");
                }
                return live;
            }).call(locked -> stillHeldBy(tx, workspace, List.of(id), locked));
        });
    }

    /**
     * Fails (to be retried) unless every id stands for {@code holder}, read after the holder's lock: an unmerge that
     * committed in between may have restored one of them, and erasing or splitting the old holder would then act
     * on the wrong person.
     */
    private Uni<Void> stillHeldBy(SqlConnection tx, String workspace, List<UUID> ids, UUID holder) {
        return graph.liveIds(tx, workspace, ids).invoke(live -> {
            for (UUID id : ids) {
                if (!holder.equals(live.get(id))) {
                    throw new ConcurrentChangeException("profile " + id + " no longer stands for " + holder);
                }
            }
        }).replaceWithVoid();
    }

    /** One transaction, retried whole as resolution's are; UNAVAILABLE once the retries run out. */
    private <T> Uni<T> retried(String workspace, String operation, Function<SqlConnection, Uni<T>> work) {
        return retry.run(workspace, operation, () -> graph.inTransaction(work));
    }

    private record Split(UUID holder, List<UUID> restored, List<DetachedIdentifier> detached) {
    }

    private record UnbindTarget(UUID profileId, IdentifierKey key) {
    }

    private record HistoryQuery(UUID profileId, MergePage.Cursor after, int limit) {
    }
}
