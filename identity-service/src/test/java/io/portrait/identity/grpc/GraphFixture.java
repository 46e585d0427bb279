package io.portrait.identity.grpc;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.identity.v1.GetProfileRequest;
import io.portrait.proto.identity.v1.IdentityGrpc;
import io.portrait.proto.identity.v1.ListMergesRequest;
import io.portrait.proto.identity.v1.LookupProfileRequest;
import io.portrait.proto.identity.v1.MergeHistoryEntry;
import io.portrait.proto.identity.v1.Profile;
import io.portrait.proto.identity.v1.Resolution;
import io.portrait.proto.identity.v1.ResolveRequest;
import io.portrait.proto.identity.v1.Sighting;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the graph tests do on the real service: resolve sightings into a workspace of their own and read back
 * profiles, lookups, merge history and row counts. One place for it, so each test reads as the story it proves and
 * all of them call the API the same way.
 */
final class GraphFixture {

    private final IdentityGrpc.IdentityBlockingStub identity;
    private final Pool pool;
    private final String workspace;

    /** A fresh workspace named {@code prefix} plus a random id, so tests sharing a database never see each other. */
    GraphFixture(IdentityGrpc.IdentityBlockingStub identity, Pool pool, String prefix) {
        this.identity = identity;
        this.pool = pool;
        this.workspace = prefix + UUID.randomUUID();
    }

    String workspace() {
        return workspace;
    }

    Resolution resolve(Sighting sighting) {
        return identity.resolve(ResolveRequest.newBuilder().setWorkspace(workspace).addSightings(sighting).build())
                .getResolutions(0);
    }

    Profile profile(String id) {
        return identity.getProfile(GetProfileRequest.newBuilder().setWorkspace(workspace).setProfileId(id).build())
                .getProfile();
    }

    Profile lookup(String type, String value) {
        return identity.lookupProfile(LookupProfileRequest.newBuilder().setWorkspace(workspace)
                .setIdentifier(id(type, value)).build()).getProfile();
    }

    List<MergeHistoryEntry> merges(String profileId) {
        return identity.listMerges(ListMergesRequest.newBuilder().setWorkspace(workspace).setProfileId(profileId)
                .build()).getMergesList();
    }

    /** A count over the store, {@code $1} bound to the workspace. */
    long count(String sql) {
        return pool.preparedQuery(sql).execute(Tuple.of(workspace)).await().indefinitely().iterator().next().getLong(0);
    }

    static Sighting sighting(String eventId, String channel, Instant occurredAt, Identifier... identifiers) {
        return Sighting.newBuilder()
                .setEventId(eventId)
                .setChannel(channel)
                .setOccurredAt(Timestamp.newBuilder()
                        .setSeconds(occurredAt.getEpochSecond()).setNanos(occurredAt.getNano()))
                .addAllIdentifiers(List.of(identifiers))
                .build();
    }

    static Identifier id(String type, String value) {
        return Identifier.newBuilder().setType(type).setValue(value).build();
    }

    /** The identifier values a profile holds, in the order the API answers them. */
    static List<String> values(Profile profile) {
        return profile.getIdentifiersList().stream().map(Identifier::getValue).toList();
    }

    static void assertStatus(Runnable call, Status.Code code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(code));
    }
}
