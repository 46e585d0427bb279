package io.portrait.ingestion.client;

import io.portrait.proto.identity.v1.Identity;
import io.portrait.proto.identity.v1.ResolveRequest;
import io.portrait.proto.identity.v1.Resolution;
import io.portrait.proto.identity.v1.Sighting;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Resolves sightings to profiles through the identity service. */
@ApplicationScoped
public class IdentityClient {

    private final Identity identity;

    public IdentityClient(@GrpcClient("identity") Identity identity) {
        this.identity = identity;
    }

    /** One resolution per sighting, in the order sent. */
    public Uni<List<Resolution>> resolve(String workspace, List<Sighting> sightings) {
        ResolveRequest request = ResolveRequest.newBuilder().setWorkspace(workspace).addAllSightings(sightings).build();
        return identity.resolve(request).map(response -> {
            if (response.getResolutionsCount() != sightings.size()) {
                throw new IllegalStateException("identity answered " + response.getResolutionsCount()
                        + " resolutions for " + sightings.size() + " sightings");
            }
            return response.getResolutionsList();
        });
    }
}
