package io.portrait.identity.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.proto.identity.v1.GetProfileRequest;
import io.portrait.proto.identity.v1.IdentityGrpc;
import io.portrait.proto.identity.v1.Resolution;
import io.portrait.proto.identity.v1.ResolveRequest;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static io.portrait.identity.grpc.GraphFixture.id;
import static io.portrait.identity.grpc.GraphFixture.sighting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The retry loop against real PostgreSQL failures: a trigger makes the last statement of a resolution fail with
 * a serialization failure or a deadlock, for workspaces named for it, so that the whole transaction must roll back.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "identity"))
class ResolutionRetryTest {

    private static final Instant T1 = Instant.parse("2024-07-01T00:00:00Z");

    @GrpcClient("identity")
    IdentityGrpc.IdentityBlockingStub identity;

    @Inject
    Pool pool;

    @BeforeEach
    void injectFailures() {
        // A sequence, because its increments survive the rollbacks that undo everything else.
        execute("drop sequence if exists injected_failures");
        execute("create sequence injected_failures");
        execute("""
                create or replace function inject_resolution_failures() returns trigger language plpgsql as $$
                begin
                    if new.workspace like 'flaky-%' and nextval('injected_failures') <= 3 then
                        raise exception 'injected serialization failure' using errcode = '40001';
                    end if;
                    if new.workspace like 'jammed-%' then
                        raise exception 'injected deadlock' using errcode = '40P01';
                    end if;
                    return new;
                end $$""");
        execute("""
                create trigger inject_resolution_failures before insert on resolved_event
                for each row execute function inject_resolution_failures()""");
    }

    @AfterEach
    void stopInjecting() {
        execute("drop trigger if exists inject_resolution_failures on resolved_event");
    }

    @Test
    void transientFailuresAreRetriedWholeAndCountOnce() {
        String workspace = "flaky-" + UUID.randomUUID();

        Resolution resolution = identity.resolve(ResolveRequest.newBuilder().setWorkspace(workspace)
                .addSightings(sighting("e1", "web", T1, id("email", "kim@example.com"))).build()).getResolutions(0);

        assertThat(resolution.getNewProfile()).isTrue();
        assertThat(pool.query("select last_value from injected_failures").execute().await().indefinitely()
                .iterator().next().getLong(0)).as("attempts").isEqualTo(4);
        assertThat(identity.getProfile(GetProfileRequest.newBuilder().setWorkspace(workspace)
                .setProfileId(resolution.getProfileId()).build()).getProfile().getEventCount()).isEqualTo(1);
        // Three failed attempts left nothing behind: one profile, one identifier.
        assertThat(count("select count(*) from profile where workspace = $1", workspace)).isEqualTo(1);
        assertThat(count("select count(*) from identifier where workspace = $1", workspace)).isEqualTo(1);
    }

    @Test
    void persistentConflictsAnswerUnavailableAndLeaveNothingBehind() {
        String workspace = "jammed-" + UUID.randomUUID();

        assertThatThrownBy(() -> identity.resolve(ResolveRequest.newBuilder().setWorkspace(workspace)
                .addSightings(sighting("e1", "web", T1, id("email", "lee@example.com"))).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));

        assertThat(count("select count(*) from profile where workspace = $1", workspace)).isZero();
        assertThat(count("select count(*) from identifier where workspace = $1", workspace)).isZero();
    }

    private void execute(String sql) {
        pool.query(sql).execute().await().indefinitely();
    }

    private long count(String sql, String workspace) {
        return pool.preparedQuery(sql).execute(Tuple.of(workspace)).await().indefinitely()
                .iterator().next().getLong(0);
    }
}
