package io.portrait.identity.grpc;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.proto.identity.v1.GetProfileRequest;
import io.portrait.proto.identity.v1.IdentityGrpc;
import io.portrait.proto.identity.v1.LookupProfileRequest;
import io.portrait.proto.identity.v1.ResolveRequest;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.portrait.identity.grpc.GraphFixture.id;
import static io.portrait.identity.grpc.GraphFixture.sighting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A burst of profile reads, most of them given up by their callers half-way (as the gateway gives up on a slow part
 * of the profile view), must leave the service as it was: every pooled connection comes back, and it answers.
 * A read that held one connection while it waited for a second one starved the pool under such a burst: every
 * connection was held by a read waiting for another, and the service never answered again.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "identity"))
class ReadBurstTest {

    /** More abandoned calls than the service's pool has connections (20 by default), several times over. */
    private static final int ABANDONED_CALLS = 120;

    @GrpcClient("identity")
    IdentityGrpc.IdentityBlockingStub identity;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "quarkus.grpc.clients.identity.port")
    int port;

    private final String workspace = "ws-" + UUID.randomUUID();

    /**
     * Given up by the caller, or (under cancellations this fast) the whole connection closed by the HTTP/2 server:
     * Netty answers a stream whose headers race its own reset with GOAWAY "Request stream N is not correct for
     * server connection", which fails the calls in flight on that connection (INTERNAL, "Connection closed after
     * GOAWAY") or the ones being written (UNAVAILABLE, or UNKNOWN "channel closed" with the closed channel as its
     * cause); a gRPC channel reconnects on the next call. An error of the
     * service itself (an INTERNAL without GOAWAY, NOT_FOUND, ...) still fails the test. What this test guards is what
     * the service does afterwards, checked after the burst.
     */
    private static void givenUpOrTornDown(Status status) {
        switch (status.getCode()) {
            case DEADLINE_EXCEEDED, CANCELLED, UNAVAILABLE -> { }
            case INTERNAL -> assertThat(status.getDescription()).contains("GOAWAY");
            // The client's side of that torn-down connection: its channel closed under a call being written.
            case UNKNOWN -> {
                if (!(status.getCause() instanceof java.nio.channels.ClosedChannelException)) {
                    throw new AssertionError("unexpected " + status);
                }
            }
            default -> throw new AssertionError("unexpected " + status);
        }
    }

    @Test
    void aBurstOfAbandonedReadsGivesEveryConnectionBack() throws Exception {
        String profileId = identity.resolve(ResolveRequest.newBuilder().setWorkspace(workspace)
                        .addSightings(sighting("e1", "web", Instant.parse("2024-05-01T08:00:00Z"),
                                id("email", "ann@example.com"), id("device_id", "dev-1")))
                        .build())
                .getResolutions(0).getProfileId();

        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < ABANDONED_CALLS; i++) {
                // Deadlines from 1 to 4 ms: most calls are cancelled half-way through their reads.
                long deadlineMicros = 1_000L + (i % 7) * 500L;
                boolean byId = i % 2 == 0;
                calls.add(callers.submit(() -> {
                    IdentityGrpc.IdentityBlockingStub impatient =
                            identity.withDeadlineAfter(deadlineMicros, TimeUnit.MICROSECONDS);
                    try {
                        if (byId) {
                            impatient.getProfile(GetProfileRequest.newBuilder()
                                    .setWorkspace(workspace).setProfileId(profileId).build());
                        } else {
                            impatient.lookupProfile(LookupProfileRequest.newBuilder()
                                    .setWorkspace(workspace).setIdentifier(id("email", "ann@example.com")).build());
                        }
                    } catch (StatusRuntimeException e) {
                        givenUpOrTornDown(e.getStatus());
                    }
                }));
            }
            for (Future<?> call : calls) {
                call.get();
            }
        } finally {
            callers.shutdownNow();
        }

        // Every connection an abandoned call took comes back to the pool once its work is done...
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(registry.get("sql.pool.active").gauge().value()).isZero());
        // ...and the service answers as before, on a connection the storm of cancellations has not touched.
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
        try {
            IdentityGrpc.IdentityBlockingStub patient = IdentityGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(20, TimeUnit.SECONDS);
            for (int i = 0; i < 50; i++) {
                assertThat(patient.getProfile(GetProfileRequest.newBuilder()
                        .setWorkspace(workspace).setProfileId(profileId).build()).getProfile().getProfileId())
                        .isEqualTo(profileId);
            }
        } finally {
            channel.shutdownNow();
        }
    }
}
