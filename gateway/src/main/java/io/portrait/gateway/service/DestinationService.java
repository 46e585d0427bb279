package io.portrait.gateway.service;

import io.grpc.Status;
import io.portrait.common.pii.PiiCipher;
import io.portrait.gateway.client.SegmentClient;
import io.portrait.gateway.domain.DestinationRequest;
import io.portrait.gateway.domain.DestinationStart;
import io.portrait.gateway.domain.DestinationView;
import io.portrait.gateway.engine.DestinationAddress;
import io.portrait.gateway.engine.WebhookSignature;
import io.portrait.gateway.repository.DestinationRepository;
import io.portrait.proto.tagging.v1.GetSegmentRequest;
import io.portrait.proto.tagging.v1.ListSegmentChangesRequest;
import io.portrait.proto.tagging.v1.Segment;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Webhook destinations of a workspace: saved with their segments checked against tagging and their URL against
 * {@link DestinationAddress}; their signing secret made here, given out once and stored sealed.
 */
@ApplicationScoped
public class DestinationService {

    /** Destinations per workspace: the list answers them in one page. */
    public static final int MAX_DESTINATIONS = 100;
    public static final int MAX_SEGMENTS = 20;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");
    private static final String UNIQUE_VIOLATION = "23505";

    private final DestinationRepository destinations;
    private final SegmentClient segments;
    private final DestinationAddress addresses;
    private final PiiCipher cipher;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();

    public DestinationService(DestinationRepository destinations, SegmentClient segments,
                              DestinationAddress addresses, PiiCipher cipher) {
        this.destinations = destinations;
        this.segments = segments;
        this.addresses = addresses;
        this.cipher = cipher;
    }

    /**
     * Creates the destination; the answer holds its secret, the only time it is shown. Every refusal comes as the
     * answer's failure: {@link InvalidDestinationRequest} (checked before anything is asked or stored) or
     * {@link DestinationConflict}. Each segment's delivery starts where the request's {@code start} says.
     */
    public Uni<DestinationView> create(String workspace, String actor, DestinationRequest request) {
        return Uni.createFrom().item(() -> checked(request)).flatMap(valid -> {
            UUID id = UUID.randomUUID();
            String secret = WebhookSignature.newSecret(random);
            return Multi.createFrom().iterable(valid.segments())
                    .onItem().transformToUniAndConcatenate(code -> segments.get(GetSegmentRequest.newBuilder()
                                    .setWorkspace(workspace).setCode(code).build())
                            .onFailure(e -> Status.fromThrowable(e).getCode() == Status.Code.NOT_FOUND)
                            .transform(e -> new InvalidDestinationRequest(
                                    "\"segments\" names \"" + code + "\", which is no segment of the workspace."))
                            .flatMap(found -> startingPoint(workspace, found.getSegment(), valid.start()))
                            .map(after -> Map.entry(code, after)))
                    .collect().with(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (first, same) -> first,
                            LinkedHashMap::new))
                    .flatMap(startedAfter -> destinations.insert(workspace, id, valid.name(),
                            valid.url().toString(), cipher.encrypt(secret), valid.start(), startedAfter, now(), actor,
                            MAX_DESTINATIONS))
                    .onFailure(PgException.class).transform(e ->
                            UNIQUE_VIOLATION.equals(((PgException) e).getSqlState())
                                    ? new DestinationConflict("The workspace has a destination named \""
                                    + valid.name() + "\" already.")
                                    : e)
                    .flatMap(inserted -> {
                        if (!inserted) {
                            throw new DestinationConflict("The workspace has " + MAX_DESTINATIONS
                                    + " destinations, the most it may hold; delete one first.");
                        }
                        return get(workspace, id.toString());
                    })
                    .map(found -> found.orElseThrow().withSecret(secret));
        });
    }

    /**
     * The sequence number of the segment's change log after which its delivery starts: 0, the log's start, or the
     * newest change the log held when tagging answered (every change numbered after it is delivered, none before).
     * A tagging older than that answer names 0 for every log; a log whose first page holds a change tells it from
     * an empty one, and "now" is then refused rather than quietly replaying the whole log.
     */
    private Uni<Long> startingPoint(String workspace, Segment segment, DestinationStart start) {
        if (start != DestinationStart.NOW || segment.getLastChangeSequence() > 0) {
            return Uni.createFrom().item(start == DestinationStart.NOW ? segment.getLastChangeSequence() : 0L);
        }
        return segments.changes(ListSegmentChangesRequest.newBuilder().setWorkspace(workspace)
                        .setCode(segment.getCode()).setAfterSequence(0).setLimit(1).build())
                .map(page -> {
                    if (page.getChangesCount() > 0) {
                        throw Status.FAILED_PRECONDITION.withDescription("Tagging does not tell where the change log "
                                + "of segment \"" + segment.getCode() + "\" ends (it is older than \"start\": "
                                + "\"now\"): upgrade tagging, or start from the beginning.").asRuntimeException();
                    }
                    return 0L;
                });
    }

    /** A request as it will be saved: the name stripped, the URL as it will be called, each segment once. */
    private record Valid(String name, URI url, List<String> segments, DestinationStart start) {
    }

    private Valid checked(DestinationRequest request) {
        if (request == null) {
            throw new InvalidDestinationRequest("A body with \"name\", \"url\" and \"segments\" is required.");
        }
        String name = request.name() == null ? "" : request.name().strip();
        if (!NAME.matcher(name).matches()) {
            throw new InvalidDestinationRequest("\"name\" must be 1 to 100 letters, digits, '_', '.' or '-', "
                    + "starting with a letter or digit.");
        }
        try {
            return new Valid(name, addresses.parse(request.url()), segmentCodes(request.segments()),
                    start(request.start()));
        } catch (DestinationAddress.InvalidDestination e) {
            throw new InvalidDestinationRequest(e.getMessage());
        }
    }

    private static DestinationStart start(String given) {
        if (given == null) {
            return DestinationStart.BEGINNING;
        }
        return DestinationStart.named(given).orElseThrow(() -> new InvalidDestinationRequest(
                "\"start\" must be \"beginning\" (the default) or \"now\"."));
    }

    public Uni<List<DestinationView>> list(String workspace) {
        return destinations.list(workspace)
                .map(stored -> stored.stream().map(DestinationRepository.Stored::view).toList());
    }

    public Uni<Optional<DestinationView>> get(String workspace, String id) {
        return parseId(id).map(uuid -> destinations.find(workspace, uuid)
                        .map(found -> found.map(DestinationRepository.Stored::view)))
                .orElseGet(() -> Uni.createFrom().item(Optional.empty()));
    }

    /** True when the workspace held it; calls in flight finish, none follows. */
    public Uni<Boolean> delete(String workspace, String id) {
        return parseId(id).map(uuid -> destinations.delete(workspace, uuid))
                .orElseGet(() -> Uni.createFrom().item(false));
    }

    /** A new secret, in force for the next call; the answer holds it once. Empty when there is no such destination. */
    public Uni<Optional<DestinationView>> rotateSecret(String workspace, String id) {
        Optional<UUID> uuid = parseId(id);
        if (uuid.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        String secret = WebhookSignature.newSecret(random);
        return destinations.replaceSecret(workspace, uuid.get(), cipher.encrypt(secret), now())
                .flatMap(replaced -> replaced ? get(workspace, id)
                        : Uni.createFrom().item(Optional.<DestinationView>empty()))
                .map(found -> found.map(view -> view.withSecret(secret)));
    }

    private static List<String> segmentCodes(List<String> given) {
        if (given == null || given.isEmpty()) {
            throw new InvalidDestinationRequest("\"segments\" must name at least one segment.");
        }
        if (given.size() > MAX_SEGMENTS) {
            throw new InvalidDestinationRequest("\"segments\" may name at most " + MAX_SEGMENTS + " segments.");
        }
        LinkedHashSet<String> codes = new LinkedHashSet<>();
        for (String code : given) {
            if (code == null || code.isBlank()) {
                throw new InvalidDestinationRequest("\"segments\" must not hold an empty code.");
            }
            codes.add(code.strip());
        }
        return List.copyOf(codes);
    }

    private static Optional<UUID> parseId(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** A request that can never be saved; the message is the 400 answer's detail. */
    public static final class InvalidDestinationRequest extends RuntimeException {
        public InvalidDestinationRequest(String message) {
            super(message);
        }
    }

    /** A name in use, or a workspace at its most destinations; the message is the 409 answer's detail. */
    public static final class DestinationConflict extends RuntimeException {
        public DestinationConflict(String message) {
            super(message);
        }
    }
}
