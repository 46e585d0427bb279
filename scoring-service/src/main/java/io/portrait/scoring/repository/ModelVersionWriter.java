package io.portrait.scoring.repository;

import io.portrait.scoring.domain.ModelFitRecord;
import io.portrait.scoring.engine.clv.BgNbdModel;
import io.portrait.scoring.engine.clv.FitDiagnostics;
import io.portrait.scoring.engine.clv.GammaGammaModel;
import io.portrait.scoring.engine.value.ProfileScore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Saves a refit's model version and every profile's scores in chunks, so that the sink's merges and erasures (which
 * take the workspace lock exclusively) and event batches (which queue behind them) wait for one chunk, not for the
 * whole population's write.
 *
 * <p>What one transaction used to guarantee, and how the chunks keep it:
 * <ul>
 *     <li><b>Readers never see a half-saved version.</b> The version is stored incomplete ({@code model_fit.complete}
 *     false) and its scores go into rows of their own, keyed by (workspace, profile, version), next to those of the
 *     complete version being served. Every reader takes only complete versions, and a profile's score only from the
 *     workspace's latest complete version, in one statement ({@link ScoreRepository}); so until {@link #complete}
 *     a reader answers the previous version, scores included, and from then on the new one. The previous version's
 *     rows are dropped after that ({@link #prune}), when nobody reads them any more.</li>
 *     <li><b>A merge or erasure is never undone.</b> Each chunk takes the shared workspace lock and writes the
 *     scores only of profiles that still hold orders. The sink moves a merged-away profile's orders to its survivor,
 *     and deletes an erased profile's (or an unmerged one's, until its events rebuild it), under the exclusive lock,
 *     deleting the profile's scores of every version with them, this version's chunks so far included; an erased id
 *     never gets orders again. So a merge or erasure that commits before a chunk leaves its profiles out of the
 *     chunk, and one that commits after removes what the chunk wrote: when the version completes, every row it has
 *     is of a profile that still holds orders, which is what dropping the stale scores at the end of the single
 *     transaction made sure of.</li>
 *     <li><b>A save that dies is never served.</b> A version left incomplete (the replica crashed, the save failed)
 *     stays so: no reader lists or serves it, and the next refit, which numbers its version after every version
 *     stored, complete or not, so that a number is never given twice, drops its rows with the rest of the
 *     superseded ones. A save that a newer refit overtook (its lease ran out and another replica took the
 *     workspace) stops at its next step with {@link VersionSupersededException} rather than complete an older
 *     version over the newer one.</li>
 * </ul>
 *
 * <p>A save may last longer than the refit's lease (a large workspace, a short lease), so the caller's heartbeat is
 * run before every step: the version's opening, each chunk and its completion. The caller renews its lease there,
 * and fails the heartbeat once the lease passed to another holder; the save then stops before its next step,
 * nothing completed. This class knows nothing of leases: it only gives the caller a turn between transactions.
 */
@ApplicationScoped
public class ModelVersionWriter {

    /** Rows per pipelined batch within a chunk. */
    private static final int WRITE_BATCH = 1000;

    private static final String LOCK_SHARED = "select 1 from pg_advisory_xact_lock_shared(hashtextextended($1, 0))";
    // After every version stored, complete or not: a dead save's number is not given again.
    private static final String NEXT_VERSION =
            "select coalesce(max(version), 0) + 1 as next from model_fit where workspace = $1";
    private static final String INSERT_FIT = """
            insert into model_fit (workspace, version, fitted_at, as_of, currency, trigger, profiles, note,
                bgnbd_r, bgnbd_alpha, bgnbd_a, bgnbd_b, bgnbd_dropout, bgnbd_log_likelihood, bgnbd_iterations,
                bgnbd_evaluations, bgnbd_customers, bgnbd_boundary, bgnbd_fallback, bgnbd_note,
                gg_p, gg_q, gg_gamma, gg_log_likelihood, gg_iterations, gg_evaluations, gg_customers, gg_boundary,
                gg_note, silhouette, fit_seconds, unpredicted_profiles, complete)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
                $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, false)""";
    private static final String INSERT_CLUSTER = """
            insert into model_cluster (workspace, version, cluster_index, size, recency_days, frequency, monetary)
            values ($1, $2, $3, $4, $5, $6, $7)""";
    // The version is still being saved: incomplete, and no refit has stored a newer one since.
    private static final String STILL_SAVING = """
            select 1 from model_fit f where f.workspace = $1 and f.version = $2 and not f.complete
              and not exists (select 1 from model_fit n where n.workspace = $1 and n.version > $2)""";
    // Only for a profile that still holds orders: merged away, erased or unmerged, it holds none (see the class).
    // Typed, as a select list does not take its types from the columns it is inserted into.
    private static final String INSERT_SCORE = """
            insert into profile_score (workspace, profile_id, version, scored_at, recency_days, frequency, monetary,
                r, f, m, segment, horizon_days, expected_purchases, p_alive, expected_order_value, clv, churn_risk,
                value_tier, engagement, cluster)
            select $1::text, $2::text, $3::int, $4::timestamptz, $5::int, $6::int, $7::float8, $8::int2, $9::int2,
                $10::int2, $11::text, $12::int, $13::float8, $14::float8, $15::float8, $16::float8, $17::text,
                $18::text, $19::float8, $20::int
            where exists (select 1 from purchase_order o where o.workspace = $1 and o.profile_id = $2)""";
    private static final String COMPLETE = """
            update model_fit f set complete = true
            where f.workspace = $1 and f.version = $2 and not f.complete
              and not exists (select 1 from model_fit n where n.workspace = $1 and n.version > $2)""";
    // Rows no reader takes any more: of the versions before the one just completed, complete or dead.
    private static final String DROP_SUPERSEDED = """
            delete from profile_score where (workspace, profile_id, version) in (
                select workspace, profile_id, version from profile_score
                where workspace = $1 and version < $2 limit $3)""";

    private final Pool pool;

    public ModelVersionWriter(Pool pool) {
        this.pool = pool;
    }

    /**
     * Stores a model version with its clusters and the scores, {@code chunkSize} scores per transaction (see the
     * class), and answers the version number once readers are served it. {@code heartbeat} is run before the
     * version is opened, before each chunk and before the version is completed, outside their transactions (so
     * that it never holds the workspace lock); its failure stops the save there and is the save's failure.
     *
     * @throws VersionSupersededException (as a failure) when a newer refit stored a version meanwhile
     */
    public Uni<Integer> save(String workspace, ModelFitRecord fit, List<ProfileScore> scores, int horizonDays,
                             int chunkSize, Supplier<Uni<Void>> heartbeat) {
        OffsetDateTime scoredAt = fit.fittedAt().atOffset(ZoneOffset.UTC);
        Uni<Void> beat = Uni.createFrom().deferred(heartbeat::get);
        return beat.chain(() -> open(workspace, fit)).call(version -> Multi.createFrom()
                .iterable(slices(scores, chunkSize))
                .onItem().transformToUniAndConcatenate(chunk -> beat
                        .chain(() -> write(workspace, version, scoredAt, horizonDays, chunk)))
                .collect().last()
                .chain(() -> beat)
                .chain(() -> complete(workspace, version))
                .chain(() -> prune(workspace, version, chunkSize)));
    }

    /** Stores the version, incomplete, with its clusters; answers its number. */
    public Uni<Integer> open(String workspace, ModelFitRecord fit) {
        return pool.withTransaction(connection -> connection.preparedQuery(NEXT_VERSION).execute(Tuple.of(workspace))
                .map(rows -> rows.iterator().next().getInteger("next"))
                .call(version -> connection.preparedQuery(INSERT_FIT).execute(fitRow(workspace, version, fit)))
                .call(version -> batch(connection, INSERT_CLUSTER, fit.clusters().stream()
                        .map(c -> Tuple.from(List.of(workspace, version, c.index(), c.size(), c.recencyDays(),
                                c.frequency(), c.monetary())))
                        .toList())));
    }

    /**
     * Writes one chunk of the version's scores in one transaction under the shared workspace lock, leaving out the
     * profiles that hold no orders any more (merged away or erased since the refit read them).
     *
     * @throws VersionSupersededException (as a failure) when the version is no longer being saved
     */
    public Uni<Void> write(String workspace, int version, OffsetDateTime scoredAt, int horizonDays,
                           List<ProfileScore> chunk) {
        return pool.withTransaction(connection -> lockShared(connection, workspace)
                .chain(() -> stillSaving(connection, workspace, version))
                .chain(() -> batch(connection, INSERT_SCORE, chunk.stream()
                        .map(score -> scoreRow(workspace, version, scoredAt, horizonDays, score))
                        .toList())));
    }

    /**
     * Makes the version the one readers are served, under the shared workspace lock like the chunks. Every score
     * row it holds is of a profile that still holds orders (see the class), so nothing is left to drop here.
     *
     * @throws VersionSupersededException (as a failure) when the version is no longer being saved
     */
    public Uni<Void> complete(String workspace, int version) {
        return pool.withTransaction(connection -> lockShared(connection, workspace)
                .chain(() -> connection.preparedQuery(COMPLETE).execute(Tuple.of(workspace, version)))
                .invoke(rows -> {
                    if (rows.rowCount() == 0) {
                        throw new VersionSupersededException(workspace, version);
                    }
                })
                .replaceWithVoid());
    }

    /**
     * Drops the score rows of the versions before {@code version} (the one served before, and any whose save died),
     * {@code chunkSize} rows per statement. Nobody reads them once {@code version} is complete, and dropping a row
     * needs no workspace lock: a merge or erasure deleting the same profile's rows waits for one statement at most.
     */
    public Uni<Void> prune(String workspace, int version, int chunkSize) {
        return pool.preparedQuery(DROP_SUPERSEDED).execute(Tuple.of(workspace, version, chunkSize))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().voidItem()
                        : prune(workspace, version, chunkSize));
    }

    private static Uni<Void> lockShared(SqlConnection connection, String workspace) {
        return connection.preparedQuery(LOCK_SHARED).execute(Tuple.of(workspace)).replaceWithVoid();
    }

    private static Uni<Void> stillSaving(SqlConnection connection, String workspace, int version) {
        return connection.preparedQuery(STILL_SAVING).execute(Tuple.of(workspace, version)).invoke(rows -> {
            if (rows.rowCount() == 0) {
                throw new VersionSupersededException(workspace, version);
            }
        }).replaceWithVoid();
    }

    private static <T> List<List<T>> slices(List<T> items, int size) {
        List<List<T>> slices = new ArrayList<>();
        for (int from = 0; from < items.size(); from += size) {
            slices.add(items.subList(from, Math.min(items.size(), from + size)));
        }
        return slices;
    }

    private static Uni<Void> batch(SqlConnection connection, String sql, List<Tuple> rows) {
        return Multi.createFrom().iterable(slices(rows, WRITE_BATCH))
                .onItem().transformToUniAndConcatenate(slice -> connection.preparedQuery(sql).executeBatch(slice))
                .collect().last()
                .replaceWithVoid();
    }

    private static Tuple fitRow(String workspace, int version, ModelFitRecord fit) {
        BgNbdModel b = fit.bgNbd();
        FitDiagnostics bd = fit.bgNbdDiagnostics();
        GammaGammaModel g = fit.gammaGamma();
        FitDiagnostics gd = fit.gammaGammaDiagnostics();
        return Tuple.from(Arrays.asList(workspace, version, fit.fittedAt().atOffset(ZoneOffset.UTC), fit.asOf(),
                fit.currency(), fit.trigger(), fit.profiles(), fit.note(),
                b == null ? null : b.r(), b == null ? null : b.alpha(), b == null ? null : b.a(),
                b == null ? null : b.b(), b == null ? null : b.dropout(),
                bd == null ? null : bd.logLikelihood(), bd == null ? null : bd.iterations(),
                bd == null ? null : bd.evaluations(), bd == null ? null : bd.customers(),
                bd == null ? null : String.join(",", bd.boundaryParameters()), bd == null ? null : bd.fallback(),
                bd == null ? null : bd.note(),
                g == null ? null : g.p(), g == null ? null : g.q(), g == null ? null : g.gamma(),
                gd == null ? null : gd.logLikelihood(), gd == null ? null : gd.iterations(),
                gd == null ? null : gd.evaluations(), gd == null ? null : gd.customers(),
                gd == null ? null : String.join(",", gd.boundaryParameters()), gd == null ? null : gd.note(),
                fit.silhouette(), fit.fitSeconds(), fit.unpredicted()));
    }

    private static Tuple scoreRow(String workspace, int version, OffsetDateTime scoredAt, int horizonDays,
                                  ProfileScore s) {
        return Tuple.from(Arrays.asList(workspace, s.profileId(), version, scoredAt, s.recencyDays(), s.frequency(),
                s.monetary(), (short) s.r(), (short) s.f(), (short) s.m(), s.segment(), horizonDays,
                s.expectedPurchases(), s.probabilityAlive(), s.expectedOrderValue(), s.clv(), s.churnRisk(),
                s.valueTier(), s.engagement(), s.cluster()));
    }
}
