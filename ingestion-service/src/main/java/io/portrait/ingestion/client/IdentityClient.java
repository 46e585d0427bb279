package io.portrait.ingestion.client;

import io.portrait.ingestion.config.IngestionConfig;
import io.portrait.proto.identity.v1.FindErasedIdentifiersRequest;
import io.portrait.proto.identity.v1.FindErasedIdentifiersResponse;
import io.portrait.proto.identity.v1.GraphChange;
import io.portrait.proto.identity.v1.ListGraphChangesRequest;
import io.portrait.proto.identity.v1.MutinyIdentityGrpc.MutinyIdentityStub;
import io.portrait.proto.identity.v1.ResolveRequest;
import io.portrait.proto.identity.v1.Resolution;
import io.portrait.proto.identity.v1.Sighting;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Resolves sightings to profiles through the identity service, reads the graph changes it made otherwise, and asks
 * which identifiers its erasures suppressed.
 */
@ApplicationScoped
public class IdentityClient {

    /** Lookup hashes asked of identity's tombstone in one call: well under the most it takes (10,000). */
    static final int ERASED_PER_CALL = 1_000;

    private final MutinyIdentityStub identity;
    private final Duration deadline;

    public IdentityClient(@GrpcClient("identity") MutinyIdentityStub identity, IngestionConfig config) {
        this.identity = identity;
        this.deadline = config.callDeadline();
    }

    /** One resolution per sighting, in the order sent. */
    public Uni<List<Resolution>> resolve(String workspace, List<Sighting> sightings) {
        ResolveRequest request = ResolveRequest.newBuilder().setWorkspace(workspace).addAllSightings(sightings).build();
        // A deadline is a point in time, so every call gets its own.
        return identity.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS).resolve(request).map(response -> {
            if (response.getResolutionsCount() != sightings.size()) {
                throw new IllegalStateException("identity answered " + response.getResolutionsCount()
                        + " resolutions for " + sightings.size() + " sightings");
            }
            return response.getResolutionsList();
        });
    }

    /**
     * Those of the lookup hashes that an erasure of the workspace suppressed (identity's tombstone), asked
     * {@link #ERASED_PER_CALL} at a time, in lowercase hex as ingestion keeps them.
     */
    public Uni<Set<String>> erased(String workspace, Collection<String> hashes) {
        List<List<String>> chunks = new ArrayList<>();
        List<String> all = List.copyOf(hashes);
        for (int from = 0; from < all.size(); from += ERASED_PER_CALL) {
            chunks.add(all.subList(from, Math.min(all.size(), from + ERASED_PER_CALL)));
        }
        return Multi.createFrom().iterable(chunks)
                .onItem().transformToUniAndConcatenate(chunk -> identity
                        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                        .findErasedIdentifiers(FindErasedIdentifiersRequest.newBuilder().setWorkspace(workspace)
                                .addAllIdentifierHashes(chunk).build()))
                .onItem().transformToIterable(FindErasedIdentifiersResponse::getErasedIdentifierHashesList)
                .collect().asSet();
    }

    /** Up to {@code limit} graph changes of every workspace after {@code afterSeq}, in the order identity made them. */
    public Uni<List<GraphChange>> graphChanges(long afterSeq, int limit) {
        ListGraphChangesRequest request = ListGraphChangesRequest.newBuilder().setAllWorkspaces(true)
                .setAfterSeq(afterSeq).setLimit(limit).build();
        return identity.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS).listGraphChanges(request)
                .map(response -> response.getChangesList());
    }
}
