package io.portrait.identity.grpc;

import io.portrait.common.testing.PostgresTestResource;
import io.portrait.identity.engine.ProfileStats;
import io.portrait.identity.repository.GraphMaintenanceRepository;
import io.portrait.identity.repository.IdentityGraphRepository;
import io.portrait.identity.repository.IdentityGraphRepository.Recorded;
import io.portrait.identity.repository.NewIdentifier;
import io.portrait.identity.service.IdentifierProtection;
import io.portrait.proto.identity.v1.IdentityGrpc;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.portrait.identity.grpc.GraphFixture.id;
import static io.portrait.identity.grpc.GraphFixture.sighting;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An identifier attached at the moment its owner is erased. The attach checks the tombstones as they stand when it
 * starts; if the erasure has deleted the identifier's row but not committed yet, the insert waits on that row's
 * index entry and, once the erasure commits, goes through. Two transactions on the real graph, interleaved in that
 * order: the resolver must learn of the erasure before it commits, or the erased identifier is collected again.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "identity"))
class AttachDuringErasureTest {

    private static final Instant T1 = Instant.parse("2025-02-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2025-02-02T10:00:00Z");

    @GrpcClient("identity")
    IdentityGrpc.IdentityBlockingStub identity;

    @Inject
    Pool pool;

    @Inject
    IdentityGraphRepository graphStore;

    @Inject
    GraphMaintenanceRepository maintenance;

    @Inject
    IdentifierProtection protection;

    @Test
    void anIdentifierErasedWhileItWasAttachedIsNoticedBeforeTheEventIsCounted() throws Exception {
        GraphFixture graph = new GraphFixture(identity, pool, "attach-erase-");
        String workspace = graph.workspace();
        UUID ann = UUID.fromString(graph.resolve(sighting("e1", "web", T1, id("email", "ann@example.com")))
                .getProfileId());
        NewIdentifier email = protection.protect(protection.normalize("email", "ann@example.com"));

        SqlConnection eraser = pool.getConnection().await().indefinitely();
        SqlConnection resolver = pool.getConnection().await().indefinitely();
        try {
            Transaction erasure = eraser.begin().await().indefinitely();
            maintenance.erase(eraser, workspace, ann, List.of(ann), T2, "test").await().indefinitely();

            Transaction resolution = resolver.begin().await().indefinitely();
            int resolverPid = resolver.query("select pg_backend_pid()").execute().await().indefinitely()
                    .iterator().next().getInteger(0);
            UUID fresh = UUID.randomUUID();
            graphStore.insertProfile(resolver, workspace, fresh, T2, ProfileStats.NONE).await().indefinitely();
            CompletableFuture<Integer> attached = graphStore.insertIdentifiers(resolver, workspace, fresh,
                    List.of(email), "e2", T2, T2).subscribeAsCompletionStage();
            awaitLockWait(resolverPid);
            erasure.commit().await().indefinitely();

            // The race itself: the insert read no tombstone and found the row gone once it could look.
            assertThat(attached.get()).isEqualTo(1);
            Recorded recorded = graphStore.recordEvent(resolver, workspace, "e2", fresh, true, T2, List.of(), null,
                    "web", T2, Map.of(), List.of()).await().indefinitely();
            assertThat(recorded).isEqualTo(Recorded.ERASED_MEANWHILE);
            resolution.rollback().await().indefinitely();
        } finally {
            eraser.close().await().indefinitely();
            resolver.close().await().indefinitely();
        }

        // Retried whole, as the resolver does, the sighting finds the email suppressed: answered as blocked.
        assertThat(graph.resolve(sighting("e2", "web", T2, id("email", "ann@example.com"))).getBlockedIdentifiersList())
                .extracting(blocked -> blocked.getType())
                .containsExactly("email");
        assertThat(pool.preparedQuery("select count(*) from identifier where workspace = $1")
                .execute(Tuple.of(workspace)).await().indefinitely().iterator().next().getLong(0)).isZero();
    }

    /** Until the attach is waiting for a lock (the erasure's row): the interleaving this test is about. */
    private void awaitLockWait(int resolverPid) throws InterruptedException {
        for (int tries = 0; tries < 500; tries++) {
            long waiting = pool.preparedQuery("select count(*) from pg_locks where not granted and pid = $1")
                    .execute(Tuple.of(resolverPid)).await().indefinitely().iterator().next().getLong(0);
            if (waiting > 0) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the attach never waited for the erasure");
    }
}
