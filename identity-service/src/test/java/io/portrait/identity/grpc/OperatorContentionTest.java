package io.portrait.identity.grpc;

import io.grpc.Status;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.identity.config.IdentityConfig;
import io.portrait.proto.identity.v1.IdentityGrpc;
import io.portrait.proto.identity.v1.RejectReviewRequest;
import io.portrait.proto.identity.v1.Resolution;
import io.portrait.proto.identity.v1.UnbindIdentifierRequest;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import static io.portrait.identity.grpc.GraphFixture.assertStatus;
import static io.portrait.identity.grpc.GraphFixture.id;
import static io.portrait.identity.grpc.GraphFixture.sighting;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Operator actions (unbind, review decisions, unmerge, erasure) retry a transaction that conflicted, as resolution
 * does; when the conflicts outlast the retries the call answers UNAVAILABLE, for the operator to try again, and
 * leaves nothing half-done. Triggers make the actions' writes fail with a deadlock or a serialization failure, for
 * workspaces named for it.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "identity"))
class OperatorContentionTest {

    private static final Instant T1 = Instant.parse("2024-07-01T00:00:00Z");

    @GrpcClient("identity")
    IdentityGrpc.IdentityBlockingStub identity;

    @Inject
    Pool pool;

    @Inject
    IdentityConfig config;

    private final String workspace = "contended-" + UUID.randomUUID();

    @BeforeEach
    void injectFailures() {
        // A sequence counts the attempts: its increments survive the rollbacks that undo everything else.
        execute("drop sequence if exists contended_attempts");
        execute("create sequence contended_attempts");
        execute("""
                create or replace function inject_operator_failures() returns trigger language plpgsql as $$
                begin
                    if old.workspace like 'contended-%' then
                        perform nextval('contended_attempts');
                        if tg_table_name = 'identifier' then
                            raise exception 'injected deadlock' using errcode = '40P01';
                        end if;
                        raise exception 'injected serialization failure' using errcode = '40001';
                    end if;
                    return coalesce(new, old);
                end $$""");
        execute("""
                create trigger inject_operator_failures before delete on identifier
                for each row execute function inject_operator_failures()""");
        execute("""
                create trigger inject_operator_failures before update on match_review
                for each row execute function inject_operator_failures()""");
    }

    @AfterEach
    void stopInjecting() {
        execute("drop trigger if exists inject_operator_failures on identifier");
        execute("drop trigger if exists inject_operator_failures on match_review");
    }

    @Test
    void anUnbindThatKeepsConflictingAnswersUnavailableAndChangesNothing() {
        Resolution resolved = identity.resolve(io.portrait.proto.identity.v1.ResolveRequest.newBuilder()
                .setWorkspace(workspace)
                .addSightings(sighting("e1", "web", T1, id("email", "noor@example.com"))).build()).getResolutions(0);

        assertStatus(() -> identity.unbindIdentifier(UnbindIdentifierRequest.newBuilder().setWorkspace(workspace)
                .setProfileId(resolved.getProfileId()).setIdentifier(id("email", "noor@example.com")).build()),
                Status.Code.UNAVAILABLE);

        assertThat(attempts()).isEqualTo(config.resolve().maxAttempts());
        assertThat(count("select count(*) from identifier where workspace = $1")).isEqualTo(1);
    }

    @Test
    void aReviewDecisionThatKeepsConflictingAnswersUnavailableAndChangesNothing() {
        UUID review = UUID.randomUUID();
        pool.preparedQuery("""
                        insert into match_review
                            (id, workspace, profile_id, candidate_id, score, agreement, cause_event_id, created_at)
                        values ($1, $2, $3, $4, 0.7, $5, 'e1', $6)""")
                .execute(Tuple.tuple().addUUID(review).addString(workspace).addUUID(UUID.randomUUID())
                        .addUUID(UUID.randomUUID()).addJsonObject(new JsonObject())
                        .addOffsetDateTime(OffsetDateTime.ofInstant(T1, ZoneOffset.UTC)))
                .await().indefinitely();

        assertStatus(() -> identity.rejectReview(RejectReviewRequest.newBuilder().setWorkspace(workspace)
                .setReviewId(review.toString()).setDecidedBy("op").build()), Status.Code.UNAVAILABLE);

        assertThat(attempts()).isEqualTo(config.resolve().maxAttempts());
        assertThat(count("select count(*) from match_review where workspace = $1 and status = 'pending'"))
                .isEqualTo(1);
    }

    private long attempts() {
        return pool.query("select last_value from contended_attempts").execute().await().indefinitely()
                .iterator().next().getLong(0);
    }

    private long count(String sql) {
        return pool.preparedQuery(sql).execute(Tuple.of(workspace)).await().indefinitely()
                .iterator().next().getLong(0);
    }

    private void execute(String sql) {
        pool.query(sql).execute().await().indefinitely();
    }
}
