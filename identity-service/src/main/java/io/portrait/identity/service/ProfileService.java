package io.portrait.identity.service;

import io.portrait.common.identifier.NormalizedIdentifier;
import io.portrait.identity.domain.IdentifierLink;
import io.portrait.identity.domain.IdentifierValue;
import io.portrait.identity.domain.InvalidRequestException;
import io.portrait.identity.domain.Profile;
import io.portrait.identity.domain.ProfileNotFoundException;
import io.portrait.identity.domain.ProfileView;
import io.portrait.identity.engine.IdentifierKey;
import io.portrait.identity.engine.Survivorship;
import io.portrait.identity.repository.IdentifierLinkRepository;
import io.portrait.identity.repository.ProfileRepository;
import io.portrait.identity.repository.TraitObservationRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/** Reads profiles by id or by identifier; merged-away ids answer with their survivor. */
@ApplicationScoped
public class ProfileService {

    private static final Pattern CANONICAL_UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final ProfileRepository profiles;
    private final IdentifierLinkRepository identifiers;
    private final IdentifierProtection protection;
    private final TraitObservationRepository traits;
    private final Survivorship survivorship;

    public ProfileService(ProfileRepository profiles, IdentifierLinkRepository identifiers,
                          IdentifierProtection protection, TraitObservationRepository traits,
                          Survivorship survivorship) {
        this.profiles = profiles;
        this.identifiers = identifiers;
        this.protection = protection;
        this.traits = traits;
        this.survivorship = survivorship;
    }

    public Uni<ProfileView> get(String workspace, String profileId) {
        return Uni.createFrom().item(() -> parseId(profileId))
                .flatMap(id -> Panache.withSession(() -> profiles.findLive(workspace, id)
                        .flatMap(profile -> profile == null
                                ? Uni.createFrom().failure(new ProfileNotFoundException("no profile " + id))
                                : graph(workspace, profile))))
                .flatMap(graph -> view(workspace, graph));
    }

    /** Normalizes the value exactly as resolution does, so any spelling of a known identifier finds its profile. */
    public Uni<ProfileView> lookup(String workspace, String type, String value) {
        return Uni.createFrom().item(() -> protection.keyOf(usable(type, value)))
                .flatMap(key -> Panache.withSession(() -> identifiers.findByKey(workspace, key)
                        .flatMap(link -> link == null
                                ? Uni.createFrom().<Profile>nullItem()
                                : profiles.findLive(workspace, link.profileId))
                        .flatMap(profile -> profile == null
                                // The type only: the value is PII and stays out of messages.
                                ? Uni.createFrom().failure(new ProfileNotFoundException("no profile holds this " + type))
                                : graph(workspace, profile))))
                .flatMap(graph -> view(workspace, graph));
    }

    /** The match key of an identifier given by a caller, validated as for a lookup. */
    IdentifierKey keyOf(String type, String value) {
        return protection.keyOf(usable(type, value));
    }

    /** What the session reads of a live profile: the profile, its identifiers and the ids merged into it. */
    private record Graph(Profile profile, List<IdentifierLink> links, List<UUID> mergedIds) {
    }

    private Uni<Graph> graph(String workspace, Profile profile) {
        return identifiers.listByProfile(workspace, profile.id)
                .flatMap(links -> profiles.findMergedInto(workspace, profile.id)
                        .map(mergedIds -> new Graph(profile, links, mergedIds)));
    }

    /**
     * The trait observations are read from the pool once the session has given its connection back: a read that
     * held one connection while waiting for a second could, under load, leave every connection of the pool held
     * by a read that waits for another, and the service would stop answering for good.
     */
    private Uni<ProfileView> view(String workspace, Graph graph) {
        Profile profile = graph.profile();
        return traits.listByProfile(workspace, profile.id)
                .map(observations -> new ProfileView(profile.id, open(graph.links()), sorted(profile.channels),
                        profile.firstSeen, profile.lastSeen, profile.eventCount, graph.mergedIds(),
                        profile.createdAt, survivorship.golden(observations)));
    }

    private List<IdentifierValue> open(List<IdentifierLink> links) {
        return links.stream().map(link -> new IdentifierValue(link.type, protection.open(link.valueEnc))).toList();
    }

    NormalizedIdentifier usable(String type, String value) {
        if (type == null || type.isBlank()) {
            throw new InvalidRequestException("identifier.type", "is required");
        }
        NormalizedIdentifier normalized = protection.normalize(type, value);
        return switch (normalized.outcome()) {
            case OK -> normalized;
            case BLOCKED -> throw new InvalidRequestException("identifier.value", normalized.reason());
            case INVALID -> throw new InvalidRequestException(
                    "unknown_type".equals(normalized.code()) ? "identifier.type" : "identifier.value",
                    normalized.reason());
        };
    }

    private static List<String> sorted(String[] channels) {
        return Arrays.stream(channels).sorted().toList();
    }

    private static UUID parseId(String profileId) {
        return parseId("profile_id", profileId);
    }

    static UUID parseId(String field, String value) {
        String id = value == null ? "" : value.strip();
        if (id.isEmpty()) {
            throw new InvalidRequestException(field, "is required");
        }
        // UUID.fromString also accepts abbreviated forms such as 1-2-3-4-5; our ids are always canonical.
        if (!CANONICAL_UUID.matcher(id).matches()) {
            throw new InvalidRequestException(field, "is not a UUID");
        }
        return UUID.fromString(id);
    }
}
