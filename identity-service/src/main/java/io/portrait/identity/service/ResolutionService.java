package io.portrait.identity.service;

import io.portrait.common.identifier.NormalizedIdentifier;
import io.portrait.identity.config.IdentityConfig;
import io.portrait.identity.domain.IdentifierValue;
import io.portrait.identity.domain.InvalidRequestException;
import io.portrait.identity.domain.Merge;
import io.portrait.identity.domain.MergeRecord;
import io.portrait.identity.domain.Sighting;
import io.portrait.identity.domain.SightingResolution;
import io.portrait.identity.domain.MergeReason;
import io.portrait.identity.engine.HeldIdentifier;
import io.portrait.identity.engine.IdentifierKey;
import io.portrait.identity.engine.IdentityRules;
import io.portrait.identity.engine.MatchDecision;
import io.portrait.identity.engine.ProbabilisticMatcher;
import io.portrait.identity.engine.ProfileSnapshot;
import io.portrait.identity.engine.ProfileStats;
import io.portrait.identity.engine.ResolutionEngine;
import io.portrait.identity.engine.ResolutionPlan;
import io.portrait.identity.engine.linkage.FellegiSunter;
import io.portrait.identity.repository.IdentityGraphRepository;
import io.portrait.identity.repository.MergeRecordRepository;
import io.portrait.identity.repository.NewIdentifier;
import io.portrait.identity.repository.PersonMatchRepository;
import io.portrait.identity.repository.ProfileRepository;
import io.portrait.identity.repository.ResolvedEventRepository;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Resolves sightings to profiles. Each sighting is one transaction that is retried whole when a concurrent
 * resolver got in the way; correctness across replicas comes from the unique identifier rows and the profile
 * row locks, never from in-memory locks.
 */
@ApplicationScoped
public class ResolutionService {

    private final IdentityGraphRepository graph;
    private final ResolvedEventRepository resolvedEvents;
    private final ProfileRepository profiles;
    private final MergeRecordRepository mergeRecords;
    private final IdentifierProtection protection;
    private final IdentityRules rules;
    private final IdentityConfig.Probabilistic probabilistic;
    private final PersonMatching matching;
    private final PersonMatchRepository personMatches;
    private final ConflictRetry retry;
    private final Clock clock;

    public ResolutionService(IdentityGraphRepository graph, ResolvedEventRepository resolvedEvents,
                             ProfileRepository profiles, MergeRecordRepository mergeRecords,
                             IdentifierProtection protection, IdentityRules rules, IdentityConfig config,
                             PersonMatching matching, PersonMatchRepository personMatches, ConflictRetry retry,
                             Clock clock) {
        this.graph = graph;
        this.resolvedEvents = resolvedEvents;
        this.profiles = profiles;
        this.mergeRecords = mergeRecords;
        this.protection = protection;
        this.rules = rules;
        this.probabilistic = config.probabilistic();
        this.matching = matching;
        this.personMatches = personMatches;
        this.retry = retry;
        this.clock = clock;
    }

    /** Resolves the sightings in order, one after the other; all are validated before any is resolved. */
    public Uni<List<SightingResolution>> resolve(String workspace, List<Sighting> sightings) {
        return Uni.createFrom().item(() -> prepare(sightings))
                .onItem().transformToMulti(prepared -> Multi.createFrom().iterable(prepared))
                .onItem().transformToUniAndConcatenate(sighting -> resolveOne(workspace, sighting))
                .collect().asList();
    }

    private Uni<SightingResolution> resolveOne(String workspace, PreparedSighting sighting) {
        return attempt(workspace, sighting).flatMap(fresh -> {
            if (fresh.isEmpty()) {
                return replay(workspace, sighting);
            }
            SightingResolution resolution = fresh.get();
            for (Merge merge : resolution.merges()) {
                Log.infof("Workspace %s: merged %s into %s (event %s)", workspace, merge.mergedIds(),
                        merge.survivorId(), sighting.eventId());
            }
            return Uni.createFrom().item(resolution);
        });
    }

    /**
     * One transaction, retried whole on a conflict a bounded number of times. Empty when the event was resolved
     * before, by an earlier call or by a concurrent one that won.
     */
    private Uni<Optional<SightingResolution>> attempt(String workspace, PreparedSighting sighting) {
        return retry.run(workspace, "event " + sighting.eventId(), () -> graph.inTransaction(tx ->
                graph.readSighting(tx, workspace, sighting.eventId(), sighting.keys())
                        .flatMap(state -> state.resolved()
                                ? Uni.createFrom().item(Optional.<SightingResolution>empty())
                                : resolveFresh(tx, workspace, sighting, state).map(Optional::of))));
    }

    /**
     * Identifiers of erased profiles are set aside first: answered as blocked, never stored nor matched. The
     * owners were read with them, in the same statement, for every key of the sighting.
     */
    private Uni<SightingResolution> resolveFresh(SqlConnection tx, String workspace, PreparedSighting prepared,
                                                 IdentityGraphRepository.SightingState state) {
        PreparedSighting sighting = prepared.suppress(state.suppressed());
        Map<IdentifierKey, UUID> owners = new HashMap<>(state.owners());
        owners.keySet().removeAll(state.suppressed());
        Instant now = now();
        if (owners.isEmpty()) {
            // No shared identifier: the person traits may still say who this is.
            MatchDecision decision = rules.decide(sighting.keys(), Map.of(), Map.of(), sighting.occurredAt());
            return matching.candidates(tx, workspace, sighting.traits()).flatMap(candidates ->
                    createProfile(tx, workspace, sighting, decision, now, candidates));
        }
        Set<UUID> ownerIds = Set.copyOf(owners.values());
        if (ownerIds.size() == 1 && owners.size() == sighting.identifiers().size()
                && !matching.describesAPerson(sighting.traits())) {
            return returning(tx, workspace, sighting, ownerIds.iterator().next(), now);
        }
        return lockOwners(tx, workspace, sighting, owners).flatMap(locked -> {
            MatchDecision decision = rules.decide(sighting.keys(), owners, locked.held(), sighting.occurredAt());
            if (decision.owners().isEmpty()) {
                return createProfile(tx, workspace, sighting, decision, now, List.of());
            }
            List<ProfileSnapshot> matched = locked.profiles().stream()
                    .filter(profile -> decision.owners().contains(profile.id()))
                    .toList();
            return joinProfiles(tx, workspace, sighting, owners, matched, decision, now);
        });
    }

    /**
     * The common case, a returning visitor: every identifier of the sighting is already held by one profile and
     * the event brings no person traits. Nothing is attached, so no rule can be broken (a profile never breaks a
     * rule with what it already holds) and the identifiers the profile holds need not be read; the golden record
     * does not change. Two statements after the first read: lock the profile (and read its statistics), then count
     * the event, which in the same statement checks that the profile still holds every identifier. That check
     * must follow the lock (a statement sees what was committed when it started); if another resolver, an unbind
     * or an unmerge moved one away in between, the transaction is rolled back and retried from the start.
     */
    private Uni<SightingResolution> returning(SqlConnection tx, String workspace, PreparedSighting sighting,
                                              UUID owner, Instant now) {
        return graph.lockProfiles(tx, workspace, List.of(owner)).flatMap(locked -> {
            if (locked.size() != 1 || !locked.get(0).live()) {
                throw new ConcurrentChangeException("the owning profile changed before it was locked");
            }
            ProfileStats stats = ResolutionEngine.recordEvent(locked.get(0).stats(), sighting.channel(),
                    sighting.occurredAt());
            return graph.recordEvent(tx, workspace, sighting.eventId(), owner, false, now, List.of(), stats,
                            sighting.source(), sighting.occurredAt(), sighting.traits(), sighting.keys())
                    .map(recorded -> {
                        requireRecorded(recorded);
                        return sighting.resolution(owner, false, List.of(), List.of());
                    });
        });
    }

    /** The owning profiles, locked, with every identifier they hold (what the limits count). */
    private record LockedOwners(List<ProfileSnapshot> profiles, Map<UUID, List<HeldIdentifier>> held) {
    }

    /**
     * Locks the profiles owning the sighting's known identifiers, then re-reads the owners: between the first
     * read and the locks another transaction may have merged one of them away or claimed a missing identifier.
     * The re-read is a statement of its own, after the locks are granted: a statement sees what was committed
     * when it started, so the read must not start before the lock waits are over.
     */
    private Uni<LockedOwners> lockOwners(SqlConnection tx, String workspace, PreparedSighting sighting,
                                         Map<IdentifierKey, UUID> owners) {
        Set<UUID> ownerIds = Set.copyOf(owners.values());
        return graph.lockProfiles(tx, workspace, ownerIds)
                .flatMap(locked -> graph.readLocked(tx, workspace, sighting.keys(), ownerIds).map(current -> {
                    boolean allLive = locked.size() == ownerIds.size()
                            && locked.stream().allMatch(ProfileSnapshot::live);
                    if (!allLive || !current.owners().equals(owners)) {
                        throw new ConcurrentChangeException("owning profiles changed before they were locked");
                    }
                    return new LockedOwners(locked, current.held());
                }));
    }

    /**
     * A new profile for the sighting. With probabilistic candidates: the best one at or above the upper threshold
     * (locked first, and only if the merge keeps every rule) absorbs the new profile; those between the
     * thresholds are proposed for review.
     */
    private Uni<SightingResolution> createProfile(SqlConnection tx, String workspace, PreparedSighting sighting,
                                                  MatchDecision decision, Instant now,
                                                  List<ProbabilisticMatcher.Candidate> candidates) {
        UUID profileId = UUID.randomUUID();
        ProfileStats stats = ResolutionEngine.recordEvent(ProfileStats.NONE, sighting.channel(), sighting.occurredAt());
        List<NewIdentifier> unowned = sighting.only(decision.active());
        List<HeldIdentifier> brought = unowned.stream()
                .map(identifier -> new HeldIdentifier(identifier.key(), sighting.occurredAt()))
                .toList();
        Optional<ProbabilisticMatcher.Candidate> best = candidates.stream()
                .filter(candidate -> candidate.decision() == FellegiSunter.Decision.MATCH)
                .findFirst();
        Uni<ProfileSnapshot> lockedBest = best.isEmpty()
                ? Uni.createFrom().nullItem()
                : graph.lockProfiles(tx, workspace, List.of(best.get().profileId())).map(locked -> {
                    if (locked.size() != 1 || !locked.get(0).live()) {
                        throw new ConcurrentChangeException("the matching profile changed before it was locked");
                    }
                    return locked.get(0);
                });
        Set<UUID> candidateIds = candidates.stream().map(ProbabilisticMatcher.Candidate::profileId)
                .collect(java.util.stream.Collectors.toSet());
        return lockedBest.flatMap(target -> (candidateIds.isEmpty()
                        ? Uni.createFrom().item(Map.<UUID, List<HeldIdentifier>>of())
                        : graph.listHeld(tx, workspace, candidateIds))
                .flatMap(held -> {
                    // A merge (or a proposal) that would break a rule is never made: different values of a
                    // unique type are two people, whatever their names say.
                    List<ProbabilisticMatcher.Candidate> allowed = candidates.stream()
                            .filter(candidate -> rules.allowsMerge(held.getOrDefault(candidate.profileId(), List.of()),
                                    brought, sighting.occurredAt()))
                            .toList();
                    ProbabilisticMatcher.Candidate merged = target != null && allowed.contains(best.get())
                            ? best.get() : null;
                    List<ProbabilisticMatcher.Candidate> proposed = merged != null ? List.of() : allowed.stream()
                            .limit(probabilistic.maxReviewsPerEvent())
                            .toList();
                    Uni<Void> created = graph.insertProfile(tx, workspace, profileId, now, stats)
                            .flatMap(ignored -> attach(tx, workspace, profileId, unowned, sighting, now))
                            .flatMap(ignored -> recordEvent(tx, workspace, sighting, profileId, true, now,
                                    decision.demoted(), null));
                    if (merged != null) {
                        return created.flatMap(ignored -> absorb(tx, workspace, target,
                                        new ProfileSnapshot(profileId, now, null, stats), sighting.eventId(),
                                        merged.score()))
                                .map(merge -> sighting.resolution(merge.survivorId(), false, List.of(merge),
                                        decision.demoted()));
                    }
                    return created
                            .flatMap(ignored -> propose(tx, workspace, profileId, proposed, sighting.eventId(), now))
                            .flatMap(ignored -> matching.describesAPerson(sighting.traits())
                                    ? matching.refresh(tx, workspace, profileId)
                                    : Uni.createFrom().voidItem())
                            .map(ignored -> sighting.resolution(profileId, true, List.of(), decision.demoted()));
                }));
    }

    /** Folds the event's new profile into the profile its traits matched, recorded as a probabilistic merge. */
    private Uni<Merge> absorb(SqlConnection tx, String workspace, ProfileSnapshot matched, ProfileSnapshot created,
                              String eventId, double score) {
        ResolutionPlan plan = ResolutionEngine.plan(List.of(matched, created));
        return graph.mergeTime(tx).flatMap(at -> {
            Merge merge = new Merge(UUID.randomUUID(), plan.targetId(), plan.mergedIds(), at);
            return graph.mergeProfiles(tx, workspace, plan.targetId(), plan.mergedIds(), at)
                    .flatMap(ignored -> graph.insertMergeRecord(tx, workspace, merge, eventId,
                            MergeReason.PROBABILISTIC, score))
                    .flatMap(ignored -> graph.updateStats(tx, workspace, plan.targetId(), plan.baseStats()))
                    .flatMap(ignored -> matching.refresh(tx, workspace, plan.targetId()))
                    .invoke(() -> Log.infof("Workspace %s: merged %s into %s on traits (score %.4f, event %s)",
                            workspace, plan.mergedIds(), plan.targetId(), score, eventId))
                    .replaceWith(merge);
        });
    }

    private Uni<Void> propose(SqlConnection tx, String workspace, UUID profileId,
                              List<ProbabilisticMatcher.Candidate> proposed, String eventId, Instant now) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (ProbabilisticMatcher.Candidate candidate : proposed) {
            chain = chain.flatMap(ignored -> personMatches.insertReview(tx, workspace, UUID.randomUUID(), profileId,
                    candidate.profileId(), candidate.score(), candidate.agreement(), eventId, now).replaceWithVoid());
        }
        return chain;
    }

    private Uni<SightingResolution> joinProfiles(SqlConnection tx, String workspace, PreparedSighting sighting,
                                                 Map<IdentifierKey, UUID> owners, List<ProfileSnapshot> matched,
                                                 MatchDecision decision, Instant now) {
        ResolutionPlan plan = ResolutionEngine.plan(matched);
        UUID target = plan.targetId();
        ProfileStats stats = ResolutionEngine.recordEvent(plan.baseStats(), sighting.channel(), sighting.occurredAt());
        List<NewIdentifier> missing = sighting.only(decision.active()).stream()
                .filter(identifier -> !owners.containsKey(identifier.key()))
                .toList();
        Uni<List<Merge>> merges = plan.kind() == ResolutionPlan.Kind.MERGE
                ? merge(tx, workspace, plan, sighting.eventId()).map(List::of)
                : Uni.createFrom().item(List.of());
        return merges.flatMap(done -> attach(tx, workspace, target, missing, sighting, now)
                .flatMap(ignored -> recordEvent(tx, workspace, sighting, target, false, now, decision.demoted(),
                        stats))
                // The golden record changed if the event brought person traits or profiles were pooled.
                .flatMap(ignored -> !done.isEmpty() || matching.describesAPerson(sighting.traits())
                        ? matching.refresh(tx, workspace, target)
                        : Uni.createFrom().voidItem())
                .map(ignored -> sighting.resolution(target, false, done, decision.demoted())));
    }

    /**
     * Merges under the locks this transaction holds on the profiles, timed by the database under those locks (see
     * {@link IdentityGraphRepository#mergeTime}) rather than when the sighting came in.
     */
    private Uni<Merge> merge(SqlConnection tx, String workspace, ResolutionPlan plan, String eventId) {
        return graph.mergeTime(tx).flatMap(at -> {
            Merge merge = new Merge(UUID.randomUUID(), plan.targetId(), plan.mergedIds(), at);
            return graph.mergeProfiles(tx, workspace, plan.targetId(), plan.mergedIds(), at)
                    .flatMap(ignored -> graph.insertMergeRecord(tx, workspace, merge, eventId))
                    .map(ignored -> merge);
        });
    }

    /** Inserts identifiers nobody owns; if any was claimed meanwhile, the picture is stale and we start over. */
    private Uni<Void> attach(SqlConnection tx, String workspace, UUID profileId, List<NewIdentifier> identifiers,
                             PreparedSighting sighting, Instant now) {
        if (identifiers.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return graph.insertIdentifiers(tx, workspace, profileId, identifiers, sighting.eventId(), now,
                sighting.occurredAt()).map(inserted -> {
            if (inserted != identifiers.size()) {
                throw new ConcurrentChangeException("an identifier was claimed by a concurrent resolution");
            }
            return null;
        });
    }

    /**
     * Counts the event on the profile with the traits it brought, and the profile's new statistics when given (one
     * statement).
     */
    private Uni<Void> recordEvent(SqlConnection tx, String workspace, PreparedSighting sighting, UUID profileId,
                                  boolean newProfile, Instant now, List<IdentifierKey> demoted, ProfileStats stats) {
        return graph.recordEvent(tx, workspace, sighting.eventId(), profileId, newProfile, now, demoted, stats,
                sighting.source(), sighting.occurredAt(), sighting.traits(), List.of()).map(recorded -> {
            requireRecorded(recorded);
            return null;
        });
    }

    /**
     * Anything but a recorded event means the picture this attempt decided on is stale: start over. The next
     * attempt replays the answer of a concurrent resolution of the same event id, or finds the moved or erased
     * identifiers where they are now.
     */
    private static void requireRecorded(IdentityGraphRepository.Recorded recorded) {
        switch (recorded) {
            case RECORDED -> { }
            case ALREADY_RECORDED -> throw new ConcurrentChangeException("event was resolved concurrently");
            case OWNERS_CHANGED -> throw new ConcurrentChangeException(
                    "an identifier left the owning profile before it was locked");
            case ERASED_MEANWHILE -> throw new ConcurrentChangeException(
                    "an identifier was erased while it was being attached");
        }
    }

    /**
     * The answer for an event resolved before: the live profile it belongs to now, and the merges it caused then,
     * so a caller that lost the first answer can still deliver those merges.
     */
    private Uni<SightingResolution> replay(String workspace, PreparedSighting sighting) {
        String eventId = sighting.eventId();
        return Panache.withSession(() -> resolvedEvents.findEvent(workspace, eventId)
                .flatMap(event -> profiles.findLive(workspace, event.profileId)
                        .flatMap(live -> mergeRecords.listCausedBy(workspace, eventId)
                                .map(records -> sighting.resolution(live.id,
                                        event.newProfile && live.id.equals(event.profileId),
                                        records.stream().map(MergeRecord::toMerge).toList(),
                                        Arrays.stream(event.demoted).map(IdentifierKey::parse).toList())))));
    }

    /** Validates every sighting and turns its identifiers into match keys and sealed values. */
    private List<PreparedSighting> prepare(List<Sighting> sightings) {
        List<PreparedSighting> prepared = new ArrayList<>(sightings.size());
        for (int i = 0; i < sightings.size(); i++) {
            Sighting sighting = sightings.get(i);
            String field = "sightings[" + i + "]";
            if (sighting.eventId() == null || sighting.eventId().isBlank()) {
                throw new InvalidRequestException(field + ".event_id", "is required");
            }
            // Keyed by match key: the same identifier twice in one sighting is one identifier.
            Map<IdentifierKey, NewIdentifier> usable = new LinkedHashMap<>();
            Map<IdentifierKey, IdentifierValue> values = new HashMap<>();
            List<IdentifierValue> blocked = new ArrayList<>();
            boolean anyValid = false;
            for (IdentifierValue identifier : sighting.identifiers()) {
                NormalizedIdentifier normalized = protection.normalize(identifier.type(), identifier.value());
                if (!normalized.usable()) {
                    continue;
                }
                anyValid = true;
                IdentifierValue value = new IdentifierValue(normalized.type(), normalized.value());
                if (rules.blocks(normalized.type(), normalized.value())) {
                    blocked.add(value);
                    continue;
                }
                NewIdentifier protectedIdentifier = protection.protect(normalized);
                usable.putIfAbsent(protectedIdentifier.key(), protectedIdentifier);
                values.putIfAbsent(protectedIdentifier.key(), value);
            }
            if (!anyValid) {
                throw new InvalidRequestException(field + ".identifiers", "has no identifier usable for matching");
            }
            Instant occurredAt = sighting.occurredAt() == null
                    ? now()
                    : sighting.occurredAt().truncatedTo(ChronoUnit.MICROS);
            String source = sighting.source() == null || sighting.source().isBlank() ? "unknown" : sighting.source().strip();
            prepared.add(new PreparedSighting(sighting.eventId(), List.copyOf(usable.values()), values, blocked,
                    sighting.channel(), occurredAt, sighting.traits(), source));
        }
        return prepared;
    }

    /** PostgreSQL keeps microseconds; truncating here makes what we answer equal what we store. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * A validated sighting: the identifiers that may be matched on, their clear values (answered back when
     * demoted), and the ones the deployment's rules block. An event whose identifiers are all blocked still lands
     * on a profile of its own, so that no accepted event is lost.
     */
    private record PreparedSighting(String eventId, List<NewIdentifier> identifiers,
                                    Map<IdentifierKey, IdentifierValue> values, List<IdentifierValue> blocked,
                                    String channel, Instant occurredAt, Map<String, String> traits, String source) {

        List<IdentifierKey> keys() {
            return identifiers.stream().map(NewIdentifier::key).toList();
        }

        PreparedSighting suppress(Set<IdentifierKey> suppressed) {
            if (suppressed.isEmpty()) {
                return this;
            }
            List<IdentifierValue> nowBlocked = new ArrayList<>(blocked);
            suppressed.stream().map(values::get).filter(Objects::nonNull).forEach(nowBlocked::add);
            return new PreparedSighting(eventId,
                    identifiers.stream().filter(identifier -> !suppressed.contains(identifier.key())).toList(),
                    values, nowBlocked, channel, occurredAt, traits, source);
        }

        List<NewIdentifier> only(List<IdentifierKey> keys) {
            Set<IdentifierKey> wanted = Set.copyOf(keys);
            return identifiers.stream().filter(identifier -> wanted.contains(identifier.key())).toList();
        }

        SightingResolution resolution(UUID profileId, boolean newProfile, List<Merge> merges,
                                      List<IdentifierKey> demoted) {
            return new SightingResolution(eventId, profileId, newProfile, merges,
                    demoted.stream().map(values::get).filter(Objects::nonNull).toList(), blocked);
        }
    }
}
