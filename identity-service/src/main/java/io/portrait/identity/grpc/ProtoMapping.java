package io.portrait.identity.grpc;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import io.portrait.identity.domain.GraphChange;
import io.portrait.identity.domain.IdentifierValue;
import io.portrait.identity.domain.MatchReview;
import io.portrait.identity.domain.ReviewDecision;
import io.portrait.identity.domain.Merge;
import io.portrait.identity.domain.ProfileView;
import io.portrait.identity.domain.Sighting;
import io.portrait.identity.domain.SightingResolution;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.identity.v1.DetachedIdentifier;
import io.portrait.proto.identity.v1.FieldAgreement;
import io.portrait.proto.identity.v1.GoldenTrait;
import io.portrait.proto.identity.v1.MergeHistoryEntry;
import io.portrait.proto.identity.v1.Profile;
import io.portrait.proto.identity.v1.ProfileMerge;
import io.portrait.proto.identity.v1.Resolution;
import io.portrait.proto.identity.v1.ResolveRequest;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** Wire messages to domain values and back. */
final class ProtoMapping {

    private ProtoMapping() {
    }

    static List<Sighting> sightings(ResolveRequest request) {
        return request.getSightingsList().stream()
                .map(sighting -> new Sighting(
                        sighting.getEventId(),
                        sighting.getIdentifiersList().stream()
                                .map(identifier -> new IdentifierValue(identifier.getType(), identifier.getValue()))
                                .toList(),
                        sighting.getChannel(),
                        sighting.hasOccurredAt() ? instant(sighting.getOccurredAt()) : null,
                        traits(sighting.getTraits()),
                        sighting.getSource()))
                .toList();
    }

    /** Top-level text, number and boolean traits as text; nested values, lists and nulls are not golden-record traits. */
    private static Map<String, String> traits(Struct traits) {
        Map<String, String> scalars = new TreeMap<>();
        traits.getFieldsMap().forEach((name, value) -> {
            switch (value.getKindCase()) {
                case STRING_VALUE -> scalars.put(name, value.getStringValue().strip());
                case BOOL_VALUE -> scalars.put(name, Boolean.toString(value.getBoolValue()));
                case NUMBER_VALUE -> scalars.put(name, number(value.getNumberValue()));
                default -> {
                }
            }
        });
        return scalars;
    }

    private static String number(double number) {
        return number == Math.rint(number) && Math.abs(number) < 1e15
                ? Long.toString((long) number)
                : BigDecimal.valueOf(number).stripTrailingZeros().toPlainString();
    }

    static Resolution resolution(SightingResolution resolution) {
        return Resolution.newBuilder()
                .setEventId(resolution.eventId())
                .setProfileId(resolution.profileId().toString())
                .setNewProfile(resolution.newProfile())
                .addAllMerges(resolution.merges().stream().map(ProtoMapping::merge).toList())
                .addAllDemotedIdentifiers(resolution.demoted().stream().map(ProtoMapping::identifier).toList())
                .addAllBlockedIdentifiers(resolution.blocked().stream().map(ProtoMapping::identifier).toList())
                .build();
    }

    static Profile profile(ProfileView view) {
        Profile.Builder profile = Profile.newBuilder()
                .setProfileId(view.id().toString())
                .addAllIdentifiers(view.identifiers().stream().map(ProtoMapping::identifier).toList())
                .addAllChannels(view.channels())
                .setEventCount(view.eventCount())
                .addAllMergedProfileIds(view.mergedProfileIds().stream().map(UUID::toString).toList())
                .setCreatedAt(timestamp(view.createdAt()))
                .addAllTraits(view.traits().stream().map(ProtoMapping::trait).toList());
        if (view.firstSeen() != null) {
            profile.setFirstSeen(timestamp(view.firstSeen()));
        }
        if (view.lastSeen() != null) {
            profile.setLastSeen(timestamp(view.lastSeen()));
        }
        return profile.build();
    }

    static MergeHistoryEntry historyEntry(io.portrait.identity.domain.MergeHistoryEntry entry) {
        MergeHistoryEntry.Builder proto = MergeHistoryEntry.newBuilder()
                .setMergeId(entry.mergeId().toString())
                .setSurvivorProfileId(entry.survivorId().toString())
                .addAllMergedProfileIds(entry.mergedIds().stream().map(UUID::toString).toList())
                .setMergedAt(timestamp(entry.mergedAt()))
                .setCauseEventId(entry.causeEventId());
        if (entry.undoneAt() != null) {
            proto.setUndoneAt(timestamp(entry.undoneAt()));
        }
        if (entry.undoReason() != null) {
            proto.setUndoReason(entry.undoReason());
        }
        proto.setReason(entry.reason().wireName());
        if (entry.score() != null) {
            proto.setScore(entry.score());
        }
        return proto.build();
    }

    static io.portrait.proto.identity.v1.MatchReview review(ReviewDecision decision) {
        MatchReview review = decision.review();
        io.portrait.proto.identity.v1.MatchReview.Builder proto = io.portrait.proto.identity.v1.MatchReview.newBuilder()
                .setReviewId(review.id().toString())
                .setProfileId(review.profileId().toString())
                .setCandidateProfileId(review.candidateId().toString())
                .setScore(review.score())
                .setCauseEventId(review.causeEventId())
                .setStatus(review.status().wireName())
                .setCreatedAt(timestamp(review.createdAt()))
                .addAllProfileTraits(decision.profileTraits().stream().map(ProtoMapping::trait).toList())
                .addAllCandidateTraits(decision.candidateTraits().stream().map(ProtoMapping::trait).toList());
        review.agreement().forEach((field, level) ->
                proto.addAgreement(FieldAgreement.newBuilder().setField(field).setLevel(level)));
        if (review.decidedAt() != null) {
            proto.setDecidedAt(timestamp(review.decidedAt()));
        }
        if (review.decidedBy() != null) {
            proto.setDecidedBy(review.decidedBy());
        }
        if (review.mergeId() != null) {
            proto.setMergeId(review.mergeId().toString());
        }
        return proto.build();
    }

    private static GoldenTrait trait(io.portrait.identity.engine.GoldenTrait trait) {
        return GoldenTrait.newBuilder()
                .setName(trait.trait())
                .setValue(trait.value())
                .setSource(trait.source())
                .setEventId(trait.eventId())
                .setObservedAt(timestamp(trait.observedAt()))
                .setRule(trait.rule().wireName())
                .build();
    }

    static DetachedIdentifier detached(io.portrait.identity.domain.DetachedIdentifier detached) {
        return DetachedIdentifier.newBuilder()
                .setProfileId(detached.profileId().toString())
                .setIdentifier(identifier(detached.identifier()))
                .setReason(detached.reason())
                .build();
    }

    private static Identifier identifier(IdentifierValue identifier) {
        return Identifier.newBuilder().setType(identifier.type()).setValue(identifier.value()).build();
    }

    static ProfileMerge merge(Merge merge) {
        return ProfileMerge.newBuilder()
                .setMergeId(merge.mergeId().toString())
                .setSurvivorProfileId(merge.survivorId().toString())
                .addAllMergedProfileIds(merge.mergedIds().stream().map(UUID::toString).toList())
                .setMergedAt(timestamp(merge.mergedAt()))
                .build();
    }

    static io.portrait.proto.identity.v1.GraphChange graphChange(GraphChange change) {
        return io.portrait.proto.identity.v1.GraphChange.newBuilder()
                .setSeq(change.seq())
                .setWorkspace(change.workspace())
                .setKind(change.kind().wireName())
                .setMergeId(change.mergeId().toString())
                .setSurvivorProfileId(change.survivorId().toString())
                .addAllProfileIds(change.profileIds().stream().map(UUID::toString).toList())
                .addAllOwnerProfileIds(change.ownerIds().stream().map(UUID::toString).toList())
                .setChangedAt(timestamp(change.at()))
                .build();
    }

    private static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
