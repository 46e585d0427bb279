package io.portrait.ingestion.grpc;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.portrait.common.pii.PiiCipher;
import io.portrait.ingestion.config.PiiConfig;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.identity.v1.AcceptReviewRequest;
import io.portrait.proto.identity.v1.AcceptReviewResponse;
import io.portrait.proto.identity.v1.EraseProfileRequest;
import io.portrait.proto.identity.v1.EraseProfileResponse;
import io.portrait.proto.identity.v1.FindErasedIdentifiersRequest;
import io.portrait.proto.identity.v1.FindErasedIdentifiersResponse;
import io.portrait.proto.identity.v1.GetIdentifierHashesRequest;
import io.portrait.proto.identity.v1.GetIdentifierHashesResponse;
import io.portrait.proto.identity.v1.GetProfileRequest;
import io.portrait.proto.identity.v1.GetProfileResponse;
import io.portrait.proto.identity.v1.GetProfilesRequest;
import io.portrait.proto.identity.v1.GetProfilesResponse;
import io.portrait.proto.identity.v1.GraphChange;
import io.portrait.proto.identity.v1.Identity;
import io.portrait.proto.identity.v1.ListGraphChangesRequest;
import io.portrait.proto.identity.v1.ListGraphChangesResponse;
import io.portrait.proto.identity.v1.ListMergesRequest;
import io.portrait.proto.identity.v1.ListMergesResponse;
import io.portrait.proto.identity.v1.ListReviewsRequest;
import io.portrait.proto.identity.v1.ListReviewsResponse;
import io.portrait.proto.identity.v1.LookupProfileRequest;
import io.portrait.proto.identity.v1.LookupProfileResponse;
import io.portrait.proto.identity.v1.Profile;
import io.portrait.proto.identity.v1.ProfileMerge;
import io.portrait.proto.identity.v1.RejectReviewRequest;
import io.portrait.proto.identity.v1.RejectReviewResponse;
import io.portrait.proto.identity.v1.ResolveRequest;
import io.portrait.proto.identity.v1.ResolveResponse;
import io.portrait.proto.identity.v1.Resolution;
import io.portrait.proto.identity.v1.Sighting;
import io.portrait.proto.identity.v1.UnbindIdentifierRequest;
import io.portrait.proto.identity.v1.UnbindIdentifierResponse;
import io.portrait.proto.identity.v1.UnmergeRequest;
import io.portrait.proto.identity.v1.UnmergeResponse;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for the identity service: sightings sharing an identifier land on one profile, and a sighting that
 * joins several profiles merges them into the oldest. Can be told to be unavailable for a number of calls, and to
 * demote an identifier (as identity does when matching on it would break a rule): not matched on, not attached,
 * answered in {@code demoted_identifiers}. Erases a profile as identity does, keeping the keyed hashes of its
 * identifiers as a tombstone it answers from.
 */
@GrpcService
public class InMemoryIdentity implements Identity {

    private final Map<String, String> profileByIdentifier = new HashMap<>();
    private final Map<String, Long> createdAt = new HashMap<>();
    private final Map<String, String> mergedInto = new HashMap<>();
    private final Map<String, String> profileByEvent = new HashMap<>();
    private final AtomicInteger unavailableCalls = new AtomicInteger();
    private final AtomicInteger refusedCalls = new AtomicInteger();
    private final List<GraphChange> graphChanges = new CopyOnWriteArrayList<>();
    private final Set<String> demoted = new java.util.HashSet<>();
    /** The keyed hashes of erased identifiers, as workspace/hash. */
    private final Set<String> tombstone = new java.util.HashSet<>();
    @Inject
    PiiConfig pii;
    private long created;

    /** From now on, sightings of the workspace carrying this identifier are resolved without it (demoted). */
    public synchronized void demote(String workspace, String type, String value) {
        demoted.add(key(workspace, Identifier.newBuilder().setType(type).setValue(value).build()));
    }

    /** The next {@code calls} Resolve calls answer UNAVAILABLE. */
    public void beUnavailable(int calls) {
        unavailableCalls.set(calls);
    }

    public int refusedCalls() {
        return refusedCalls.get();
    }

    @Override
    public synchronized Uni<ResolveResponse> resolve(ResolveRequest request) {
        if (unavailableCalls.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            refusedCalls.incrementAndGet();
            return Uni.createFrom().failure(Status.UNAVAILABLE.withDescription("identity is down").asRuntimeException());
        }
        ResolveResponse.Builder response = ResolveResponse.newBuilder();
        for (Sighting sighting : request.getSightingsList()) {
            response.addResolutions(resolve(request.getWorkspace(), sighting));
        }
        return Uni.createFrom().item(response.build());
    }

    private Resolution resolve(String workspace, Sighting sighting) {
        String eventKey = workspace + "/" + sighting.getEventId();
        if (profileByEvent.containsKey(eventKey)) {
            return Resolution.newBuilder().setEventId(sighting.getEventId())
                    .setProfileId(live(profileByEvent.get(eventKey))).build();
        }
        Resolution.Builder resolution = Resolution.newBuilder().setEventId(sighting.getEventId());
        sighting.getIdentifiersList().stream().filter(i -> demoted.contains(key(workspace, i)))
                .forEach(resolution::addDemotedIdentifiers);
        List<String> keys = sighting.getIdentifiersList().stream().map(i -> key(workspace, i))
                .filter(k -> !demoted.contains(k)).toList();
        Set<String> profiles = new LinkedHashSet<>();
        keys.stream().map(profileByIdentifier::get).filter(p -> p != null).map(this::live).forEach(profiles::add);
        String profile;
        if (profiles.isEmpty()) {
            profile = UUID.randomUUID().toString();
            createdAt.put(profile, created++);
            resolution.setNewProfile(true);
        } else {
            profile = profiles.stream().min(Comparator.comparing(createdAt::get)).orElseThrow();
            List<String> merged = profiles.stream().filter(p -> !p.equals(profile)).toList();
            if (!merged.isEmpty()) {
                merged.forEach(m -> mergedInto.put(m, profile));
                profileByIdentifier.replaceAll((k, p) -> merged.contains(p) ? profile : p);
                Instant now = Instant.now();
                resolution.addMerges(ProfileMerge.newBuilder().setMergeId(UUID.randomUUID().toString())
                        .setSurvivorProfileId(profile).addAllMergedProfileIds(merged)
                        .setMergedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond())));
            }
        }
        keys.forEach(k -> profileByIdentifier.put(k, profile));
        profileByEvent.put(eventKey, profile);
        return resolution.setProfileId(profile).build();
    }

    /**
     * Merges {@code merged} into {@code survivor} as an operator accepting a review pair does, and records the
     * change in the feed; answers the merge id.
     */
    public synchronized String acceptPair(String workspace, String survivor, String merged) {
        mergedInto.put(merged, survivor);
        profileByIdentifier.replaceAll((k, p) -> p.equals(merged) ? survivor : p);
        String mergeId = UUID.randomUUID().toString();
        graphChanges.add(GraphChange.newBuilder().setSeq(graphChanges.size() + 1).setWorkspace(workspace)
                .setKind("merge").setMergeId(mergeId).setSurvivorProfileId(survivor).addProfileIds(merged)
                .setChangedAt(Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond())).build());
        return mergeId;
    }

    /** Splits a merge {@link #acceptPair} made, as an operator's unmerge does, and records the change in the feed. */
    public synchronized void splitPair(String workspace, String mergeId, String survivor, String merged) {
        mergedInto.remove(merged);
        graphChanges.add(GraphChange.newBuilder().setSeq(graphChanges.size() + 1).setWorkspace(workspace)
                .setKind("unmerge").setMergeId(mergeId).setSurvivorProfileId(survivor)
                .addProfileIds(survivor).addOwnerProfileIds(survivor).addProfileIds(merged).addOwnerProfileIds(merged)
                .setChangedAt(Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond())).build());
    }

    @Override
    public Uni<ListGraphChangesResponse> listGraphChanges(ListGraphChangesRequest request) {
        List<GraphChange> after = graphChanges.stream().filter(c -> c.getSeq() > request.getAfterSeq())
                .limit(request.getLimit()).toList();
        return Uni.createFrom().item(ListGraphChangesResponse.newBuilder().addAllChanges(after).build());
    }

    private String live(String profile) {
        String current = profile;
        while (mergedInto.containsKey(current)) {
            current = mergedInto.get(current);
        }
        return current;
    }

    @Override
    public synchronized Uni<GetProfileResponse> getProfile(GetProfileRequest request) {
        if (!createdAt.containsKey(request.getProfileId())) {
            return Uni.createFrom().failure(Status.NOT_FOUND.asRuntimeException());
        }
        return Uni.createFrom().item(GetProfileResponse.newBuilder()
                .setProfile(profile(request.getWorkspace(), live(request.getProfileId()))).build());
    }

    @Override
    public synchronized Uni<GetProfilesResponse> getProfiles(GetProfilesRequest request) {
        GetProfilesResponse.Builder response = GetProfilesResponse.newBuilder();
        for (String id : request.getProfileIdsList()) {
            if (createdAt.containsKey(id)) {
                response.putProfiles(id, profile(request.getWorkspace(), live(id)));
            }
        }
        return Uni.createFrom().item(response.build());
    }

    @Override
    public synchronized Uni<LookupProfileResponse> lookupProfile(LookupProfileRequest request) {
        String profile = profileByIdentifier.get(key(request.getWorkspace(), request.getIdentifier()));
        if (profile == null) {
            return Uni.createFrom().failure(Status.NOT_FOUND.asRuntimeException());
        }
        return Uni.createFrom().item(LookupProfileResponse.newBuilder()
                .setProfile(profile(request.getWorkspace(), live(profile))).build());
    }

    private Profile profile(String workspace, String profileId) {
        Profile.Builder profile = Profile.newBuilder().setProfileId(profileId);
        profileByIdentifier.forEach((key, owner) -> {
            String[] parts = key.split("/", 3);
            if (owner.equals(profileId) && parts[0].equals(workspace)) {
                profile.addIdentifiers(Identifier.newBuilder().setType(parts[1]).setValue(parts[2]));
            }
        });
        mergedInto.forEach((merged, survivor) -> {
            if (live(survivor).equals(profileId)) {
                profile.addMergedProfileIds(merged);
            }
        });
        return profile.build();
    }

    private static String key(String workspace, Identifier identifier) {
        return workspace + "/" + identifier.getType() + "/" + identifier.getValue();
    }

    /**
     * Erases the profile an id stands for as identity does: its identifiers go, their keyed hashes (under the shared
     * hash key, of the type and the value as held) stay in the workspace's tombstone and are answered.
     */
    @Override
    public synchronized Uni<EraseProfileResponse> eraseProfile(EraseProfileRequest request) {
        if (!createdAt.containsKey(request.getProfileId())) {
            return Uni.createFrom().failure(Status.NOT_FOUND.asRuntimeException());
        }
        String workspace = request.getWorkspace();
        Profile erased = profile(workspace, live(request.getProfileId()));
        PiiCipher cipher = PiiCipher.fromBase64(pii.hashKey(), pii.encryptionKey());
        EraseProfileResponse.Builder response = EraseProfileResponse.newBuilder()
                .addErasedProfileIds(erased.getProfileId()).addAllErasedProfileIds(erased.getMergedProfileIdsList())
                .setIdentifiersSuppressed(erased.getIdentifiersCount());
        for (Identifier identifier : erased.getIdentifiersList()) {
            String hash = HexFormat.of().formatHex(cipher.hash(identifier.getType(), identifier.getValue()));
            tombstone.add(workspace + "/" + hash);
            response.addIdentifierHashes(hash);
            profileByIdentifier.remove(key(workspace, identifier));
        }
        return Uni.createFrom().item(response.build());
    }

    @Override
    public synchronized Uni<FindErasedIdentifiersResponse> findErasedIdentifiers(FindErasedIdentifiersRequest request) {
        return Uni.createFrom().item(FindErasedIdentifiersResponse.newBuilder().addAllErasedIdentifierHashes(
                request.getIdentifierHashesList().stream().map(hash -> hash.toLowerCase(Locale.ROOT)).distinct()
                        .filter(hash -> tombstone.contains(request.getWorkspace() + "/" + hash)).toList()).build());
    }

    // Read by the gateway's export, never by ingestion.
    @Override
    public Uni<GetIdentifierHashesResponse> getIdentifierHashes(GetIdentifierHashesRequest request) {
        return Uni.createFrom().failure(Status.UNIMPLEMENTED.asRuntimeException());
    }

    // Identity administration is never called by ingestion.
    @Override
    public Uni<ListMergesResponse> listMerges(ListMergesRequest request) {
        return Uni.createFrom().failure(Status.UNIMPLEMENTED.asRuntimeException());
    }

    @Override
    public Uni<UnbindIdentifierResponse> unbindIdentifier(UnbindIdentifierRequest request) {
        return Uni.createFrom().failure(Status.UNIMPLEMENTED.asRuntimeException());
    }

    @Override
    public Uni<UnmergeResponse> unmerge(UnmergeRequest request) {
        return Uni.createFrom().failure(Status.UNIMPLEMENTED.asRuntimeException());
    }

    @Override
    public Uni<ListReviewsResponse> listReviews(ListReviewsRequest request) {
        return Uni.createFrom().failure(Status.UNIMPLEMENTED.asRuntimeException());
    }

    @Override
    public Uni<AcceptReviewResponse> acceptReview(AcceptReviewRequest request) {
        return Uni.createFrom().failure(Status.UNIMPLEMENTED.asRuntimeException());
    }

    @Override
    public Uni<RejectReviewResponse> rejectReview(RejectReviewRequest request) {
        return Uni.createFrom().failure(Status.UNIMPLEMENTED.asRuntimeException());
    }
}
