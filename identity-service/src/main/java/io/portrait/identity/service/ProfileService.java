package io.portrait.identity.service;

import io.portrait.common.identifier.NormalizedIdentifier;
import io.portrait.identity.domain.IdentifierValue;
import io.portrait.identity.domain.InvalidRequestException;
import io.portrait.identity.domain.ProfileNotFoundException;
import io.portrait.identity.domain.ProfileView;
import io.portrait.identity.engine.IdentifierKey;
import io.portrait.identity.engine.Survivorship;
import io.portrait.identity.repository.ProfileReadRepository;
import io.portrait.identity.repository.ProfileReadRepository.SealedIdentifier;
import io.portrait.identity.repository.ProfileReadRepository.StoredProfile;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/** Reads profiles by id or by identifier; merged-away ids answer with their survivor. */
@ApplicationScoped
public class ProfileService {

    /** Most ids one {@link #get(String, List)} reads. */
    public static final int MAX_IDS = 1_000;

    private static final Pattern CANONICAL_UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final ProfileReadRepository profiles;
    private final IdentifierProtection protection;
    private final Survivorship survivorship;

    public ProfileService(ProfileReadRepository profiles, IdentifierProtection protection,
                          Survivorship survivorship) {
        this.profiles = profiles;
        this.protection = protection;
        this.survivorship = survivorship;
    }

    public Uni<ProfileView> get(String workspace, String profileId) {
        return Uni.createFrom().item(() -> parseId(profileId))
                .flatMap(id -> profiles.findLive(workspace, id)
                        .map(found -> view(found.orElseThrow(() -> new ProfileNotFoundException("no profile " + id)))));
    }

    /**
     * The live profile an id stands for and the keyed hashes of its identifiers (what its erasure would suppress), so
     * an export finds by them what else carries the person, as an erasure does; NOT_FOUND when the id is unknown.
     */
    public Uni<ProfileReadRepository.IdentifierHashes> identifierHashes(String workspace, String profileId) {
        return Uni.createFrom().item(() -> parseId(profileId))
                .flatMap(id -> profiles.identifierHashes(workspace, id)
                        .map(found -> found.orElseThrow(() -> new ProfileNotFoundException("no profile " + id))));
    }

    /**
     * The live profiles of up to {@link #MAX_IDS} ids in one read, by the id as asked; an id without a profile
     * (unknown, erased) is left out. A malformed id fails the whole request.
     */
    public Uni<Map<String, ProfileView>> get(String workspace, List<String> profileIds) {
        return Uni.createFrom().item(() -> parseIds(profileIds))
                .flatMap(asked -> profiles.findLive(workspace, asked.keySet()).map(found -> {
                    Map<String, ProfileView> views = new LinkedHashMap<>();
                    asked.forEach((id, spellings) -> {
                        StoredProfile profile = found.get(id);
                        if (profile != null) {
                            ProfileView view = view(profile);
                            spellings.forEach(spelling -> views.put(spelling, view));
                        }
                    });
                    return views;
                }));
    }

    private static Map<UUID, List<String>> parseIds(List<String> profileIds) {
        if (profileIds.size() > MAX_IDS) {
            throw new InvalidRequestException("profile_ids", "holds " + profileIds.size() + " ids; at most "
                    + MAX_IDS + " per request");
        }
        Map<UUID, List<String>> asked = new LinkedHashMap<>();
        for (int i = 0; i < profileIds.size(); i++) {
            String spelling = profileIds.get(i);
            asked.computeIfAbsent(parseId("profile_ids[" + i + "]", spelling), id -> new ArrayList<>()).add(spelling);
        }
        return asked;
    }

    /** Normalizes the value exactly as resolution does, so any spelling of a known identifier finds its profile. */
    public Uni<ProfileView> lookup(String workspace, String type, String value) {
        return Uni.createFrom().item(() -> protection.keyOf(usable(type, value)))
                .flatMap(key -> profiles.findLiveByIdentifier(workspace, key)
                        // The type only: the value is PII and stays out of messages.
                        .map(found -> view(found.orElseThrow(
                                () -> new ProfileNotFoundException("no profile holds this " + type)))));
    }

    /** The match key of an identifier given by a caller, validated as for a lookup. */
    IdentifierKey keyOf(String type, String value) {
        return protection.keyOf(usable(type, value));
    }

    private ProfileView view(StoredProfile profile) {
        return new ProfileView(profile.id(), open(profile.identifiers()), sorted(profile.channels()),
                profile.firstSeen(), profile.lastSeen(), profile.eventCount(), profile.mergedIds(),
                profile.createdAt(), survivorship.golden(profile.observations()));
    }

    private List<IdentifierValue> open(List<SealedIdentifier> identifiers) {
        return identifiers.stream()
                .map(identifier -> new IdentifierValue(identifier.type(), protection.open(identifier.sealedValue())))
                .toList();
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

    private static List<String> sorted(List<String> channels) {
        return channels.stream().sorted().toList();
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
