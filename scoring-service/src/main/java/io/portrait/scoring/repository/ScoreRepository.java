package io.portrait.scoring.repository;

import io.portrait.scoring.domain.ModelFitRecord;
import io.portrait.scoring.domain.ProfileValue;
import io.portrait.scoring.domain.StoredScore;
import io.portrait.scoring.engine.PurchaseStats;
import io.portrait.scoring.engine.clv.BgNbdModel;
import io.portrait.scoring.engine.clv.FitDiagnostics;
import io.portrait.scoring.engine.clv.GammaGammaModel;
import io.portrait.scoring.engine.value.ClusterCentroid;
import io.portrait.scoring.engine.value.CustomerPurchases;
import io.portrait.scoring.engine.value.ProfileScore;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reads model versions, clusters, per-profile scores and a refit's orders, and keeps the refit leases, through the
 * reactive client directly: a refit reads a whole population in pages, which an ORM session would only slow down.
 * {@link ModelVersionWriter} stores the versions and scores. Readers are only ever served complete versions, and a
 * profile's score only of the workspace's latest complete version: a version being saved, or whose save died, is
 * never seen.
 */
@ApplicationScoped
public class ScoreRepository {

    /**
     * An order day's figures as the models read them ($2 the workspace's currency), over the day's orders: the net
     * total in $2, bounded (PopulationScorer.MAX_DAY_VALUE) before the cast, which would overflow past ±1.8e308;
     * unpriced: an order of the day has no value in $2 (no amount, or a positive one in another currency); refund:
     * an order of the day has a negative amount. The refit and the profile view read the same figures.
     */
    private static final String DAY_FIGURES = """
            greatest(least(coalesce(sum(amount) filter (where currency = $2), 0), 1e300), -1e300)::float8 as day_total,
            coalesce(bool_or(amount is null or (currency <> $2 and amount > 0)), false) as unpriced,
            coalesce(bool_or(amount < 0), false) as refund""";
    // A keyset page: the order days of the next $4 customers after profile $3, in profile order.
    private static final String PURCHASE_DAYS = "select profile_id, purchase_day, " + DAY_FIGURES + """

            from purchase_order
            where workspace = $1 and profile_id in (select distinct profile_id from purchase_order
                                                    where workspace = $1 and profile_id > $3
                                                    order by profile_id limit $4)
            group by profile_id, purchase_day
            order by profile_id, purchase_day""";
    /**
     * The version a profile's score is read from ($1 the workspace): the latest complete one. A profile keeps rows of
     * the version being saved next to it until that completes (see {@link ModelVersionWriter}).
     */
    private static final String SERVED_VERSION =
            "(select max(version) from model_fit where workspace = $1 and complete)";
    // Not when the workspace was fitted within $4 seconds (a scheduled refit another replica just ran); a save that
    // died fitted nothing.
    private static final String CLAIM_LEASE = """
            insert into refit_lease (workspace, holder, expires_at)
            select $1, $2, now() + make_interval(secs => $3)
            where not exists (select 1 from model_fit
                              where workspace = $1 and complete and fitted_at > now() - make_interval(secs => $4))
            on conflict (workspace) do update set holder = excluded.holder, expires_at = excluded.expires_at
            where refit_lease.expires_at < now()
            returning holder""";
    private static final String RENEW_LEASE = """
            update refit_lease set expires_at = now() + make_interval(secs => $3)
            where workspace = $1 and holder = $2 returning holder""";
    private static final String SELECT_FIT = "select * from model_fit where workspace = $1 and complete";
    // The profile view's scoring part in one round trip: the alias resolved, the orders aggregated, the scores joined.
    // A purchase day is an order day refunds do not cancel, as CustomerPurchases#isPurchaseDay reads the same figures;
    // the first and last purchase are purchase days too (a refund's day is no purchase), or the orders' when none is.
    private static final String PROFILE_VALUE = """
            with live as (
                select coalesce((select survivor_id from profile_alias where workspace = $1 and merged_id = $3), $3)
                       as live_id),
            days as (
                select count(*) as orders, min(o.occurred_at) as first_at, max(o.occurred_at) as last_at,
            """ + DAY_FIGURES + """

                from purchase_order o, live where o.workspace = $1 and o.profile_id = live.live_id
                group by o.purchase_day),
            orders as (
                select coalesce(sum(d.orders), 0)::bigint as orders,
                       count(*) filter (where purchase_day) as purchase_days,
                       coalesce(min(first_at) filter (where purchase_day), min(first_at)) as first_purchase,
                       coalesce(max(last_at) filter (where purchase_day), max(last_at)) as last_purchase
                from (select *, day_total > 0 or not refund or unpriced as purchase_day from days) d),
            revenue as (
                select array_agg(t.currency order by t.currency) as currencies,
                       array_agg(t.total::text order by t.currency) as totals
                from (select o.currency, sum(o.amount) as total from purchase_order o, live
                      where o.workspace = $1 and o.profile_id = live.live_id and o.amount is not null
                      group by o.currency) t)
            select live.live_id, orders.*, revenue.*, s.*, f.currency
            from live cross join orders cross join revenue
            left join profile_score s on s.workspace = $1 and s.profile_id = live.live_id
                                     and s.version = """ + SERVED_VERSION + """

            left join model_fit f on f.workspace = s.workspace and f.version = s.version""";

    private final Pool pool;

    public ScoreRepository(Pool pool) {
        this.pool = pool;
    }

    /** Workspaces holding any purchase: those a scheduled refit covers. */
    public Uni<List<String>> workspacesWithPurchases() {
        return pool.query("select distinct workspace from purchase_order order by workspace").execute()
                .map(rows -> strings(rows, "workspace"));
    }

    /**
     * Every profile's order days with the day's net value in {@code currency} (other currencies count 0), the days
     * holding an order of no known value in it, and the days holding a refund, handed to {@code summarize} one
     * profile at a time in profile order; answers what it made of each (nulls left out). The orders are read
     * {@code pageSize} profiles at a time (keyset pages by profile id), all in one read-only snapshot, so that only
     * a page of order days is held at once, never the workspace's. {@code beforePage} runs before each page is read
     * (the refit's lease heartbeat); its failure stops the reading and is answered.
     */
    public <T> Uni<List<T>> eachCustomer(String workspace, String currency, int pageSize,
                                         Supplier<Uni<Void>> beforePage, Function<CustomerPurchases, T> summarize) {
        List<T> summaries = new ArrayList<>();
        return pool.withTransaction(connection -> connection
                .query("set transaction isolation level repeatable read, read only").execute()
                .chain(() -> page(connection, workspace, currency, "", pageSize, beforePage, summarize, summaries))
                .replaceWith(summaries));
    }

    /** One page after profile {@code after}, and the pages after it while pages come back full. */
    private <T> Uni<Void> page(SqlConnection connection, String workspace, String currency, String after,
                               int pageSize, Supplier<Uni<Void>> beforePage, Function<CustomerPurchases, T> summarize,
                               List<T> summaries) {
        return beforePage.get()
                .chain(() -> connection.preparedQuery(PURCHASE_DAYS)
                        .execute(Tuple.of(workspace, currency, after, pageSize)))
                // Off the event loop: summarizing a page is computation.
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .chain(rows -> {
                    List<CustomerPurchases> customers = customers(rows);
                    summaries.addAll(customers.parallelStream().map(summarize).filter(Objects::nonNull).toList());
                    return customers.size() < pageSize ? Uni.createFrom().voidItem()
                            : page(connection, workspace, currency, customers.get(customers.size() - 1).profileId(),
                            pageSize, beforePage, summarize, summaries);
                });
    }

    /** A page's rows, ordered by profile and day, as one CustomerPurchases per profile. */
    private static List<CustomerPurchases> customers(RowSet<Row> rows) {
        List<CustomerPurchases> customers = new ArrayList<>();
        String current = null;
        TreeMap<LocalDate, Double> days = new TreeMap<>();
        TreeSet<LocalDate> unpriced = new TreeSet<>();
        TreeSet<LocalDate> refunds = new TreeSet<>();
        for (Row row : rows) {
            String profileId = row.getString("profile_id");
            if (!profileId.equals(current)) {
                if (current != null) {
                    customers.add(new CustomerPurchases(current, days, unpriced, refunds));
                }
                current = profileId;
                days = new TreeMap<>();
                unpriced = new TreeSet<>();
                refunds = new TreeSet<>();
            }
            LocalDate day = row.getLocalDate("purchase_day");
            days.put(day, row.getDouble("day_total"));
            if (row.getBoolean("unpriced")) {
                unpriced.add(day);
            }
            if (row.getBoolean("refund")) {
                refunds.add(day);
            }
        }
        if (current != null) {
            customers.add(new CustomerPurchases(current, days, unpriced, refunds));
        }
        return customers;
    }

    /** True when this holder now holds the workspace's refit lease. */
    public Uni<Boolean> claimLease(String workspace, String holder, Duration duration) {
        return claimLease(workspace, holder, duration, Duration.ZERO);
    }

    /**
     * True when this holder now holds the workspace's refit lease; false while another holds it, or when the
     * workspace was fitted within {@code unlessFittedWithin}.
     */
    public Uni<Boolean> claimLease(String workspace, String holder, Duration duration, Duration unlessFittedWithin) {
        return pool.preparedQuery(CLAIM_LEASE).execute(Tuple.of(workspace, holder, (double) duration.toSeconds(),
                        unlessFittedWithin.toMillis() / 1000.0))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Extends the lease while this holder still holds it; false when it passed to another replica. */
    public Uni<Boolean> renewLease(String workspace, String holder, Duration duration) {
        return pool.preparedQuery(RENEW_LEASE).execute(Tuple.of(workspace, holder, (double) duration.toSeconds()))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<Void> releaseLease(String workspace, String holder) {
        return pool.preparedQuery("delete from refit_lease where workspace = $1 and holder = $2")
                .execute(Tuple.of(workspace, holder)).replaceWithVoid();
    }

    public Uni<Void> recordPush(String workspace, int version, boolean pushed, String error) {
        return pool.preparedQuery("update model_fit set tags_pushed = $3, push_error = $4 where workspace = $1 and version = $2")
                .execute(Tuple.of(workspace, version, pushed, error)).replaceWithVoid();
    }

    /** The latest scores of a live profile (of the latest complete version), or null. */
    public Uni<StoredScore> score(String workspace, String profileId) {
        return pool.preparedQuery("""
                        select s.*, f.currency from profile_score s
                        join model_fit f on f.workspace = s.workspace and f.version = s.version
                        where s.workspace = $1 and s.profile_id = $2 and s.version = """ + SERVED_VERSION)
                .execute(Tuple.of(workspace, profileId))
                .map(rows -> rows.rowCount() == 0 ? null : storedScore(rows.iterator().next()));
    }

    /**
     * The purchase figures and latest scores of the live profile behind {@code profileId}, in one statement; its
     * purchase days are those the models count in {@code currency}, the workspace's.
     */
    public Uni<ProfileValue> profileValue(String workspace, String currency, String profileId) {
        return pool.preparedQuery(PROFILE_VALUE).execute(Tuple.of(workspace, currency, profileId)).map(rows -> {
            Row row = rows.iterator().next();
            PurchaseStats purchases = null;
            if (row.getLong("orders") > 0) {
                SortedMap<String, BigDecimal> monetary = new TreeMap<>();
                String[] currencies = row.getArrayOfStrings("currencies");
                String[] totals = row.getArrayOfStrings("totals");
                for (int i = 0; currencies != null && i < currencies.length; i++) {
                    monetary.put(currencies[i], new BigDecimal(totals[i]));
                }
                purchases = new PurchaseStats(row.getLong("orders"), row.getLong("purchase_days").intValue(),
                        row.getOffsetDateTime("first_purchase").toInstant(),
                        row.getOffsetDateTime("last_purchase").toInstant(), monetary);
            }
            StoredScore score = row.getString("profile_id") == null ? null : storedScore(row);
            return new ProfileValue(row.getString("live_id"), purchases, score);
        });
    }

    /** Scores of one complete version, for pushing to tagging; none of a version being saved. */
    public Uni<List<ProfileScore>> scoresOf(String workspace, int version) {
        return pool.preparedQuery("""
                        select s.*, null::text as currency from profile_score s
                        where s.workspace = $1 and s.version = $2
                          and exists (select 1 from model_fit f
                                      where f.workspace = $1 and f.version = $2 and f.complete)
                        order by s.profile_id""")
                .execute(Tuple.of(workspace, version))
                .map(rows -> {
                    List<ProfileScore> scores = new ArrayList<>();
                    rows.forEach(row -> scores.add(storedScore(row).score()));
                    return scores;
                });
    }

    /** The survivor of a merged-away profile, or the id itself. */
    public Uni<String> liveIdOf(String workspace, String profileId) {
        return pool.preparedQuery("select survivor_id from profile_alias where workspace = $1 and merged_id = $2")
                .execute(Tuple.of(workspace, profileId))
                .map(rows -> rows.rowCount() == 0 ? profileId : rows.iterator().next().getString("survivor_id"));
    }

    /** One complete version, or the latest when {@code version} is null; null when there is none. */
    public Uni<ModelFitRecord> fit(String workspace, Integer version) {
        String sql = version == null ? SELECT_FIT + " order by version desc limit 1" : SELECT_FIT + " and version = $2";
        Tuple args = version == null ? Tuple.of(workspace) : Tuple.of(workspace, version);
        return pool.preparedQuery(sql).execute(args).chain(rows -> {
            if (rows.rowCount() == 0) {
                return Uni.createFrom().nullItem();
            }
            Row row = rows.iterator().next();
            return clusters(workspace, row.getInteger("version")).map(clusters -> fitRecord(row, clusters));
        });
    }

    /**
     * The newest {@code limit} complete versions, or those older than {@code beforeVersion} when given; newest first.
     */
    public Uni<List<ModelFitRecord>> fits(String workspace, int limit, Integer beforeVersion) {
        return pool.preparedQuery(SELECT_FIT + " and ($3::int is null or version < $3) order by version desc limit $2")
                .execute(Tuple.of(workspace, limit, beforeVersion))
                .chain(rows -> {
                    List<Row> list = new ArrayList<>();
                    rows.forEach(list::add);
                    if (list.isEmpty()) {
                        return Uni.createFrom().item(List.<ModelFitRecord>of());
                    }
                    return Uni.join().all(list.stream()
                                    .map(row -> clusters(workspace, row.getInteger("version"))
                                            .map(clusters -> fitRecord(row, clusters)))
                                    .toList())
                            .andFailFast();
                });
    }

    private Uni<List<ClusterCentroid>> clusters(String workspace, int version) {
        return pool.preparedQuery("select * from model_cluster where workspace = $1 and version = $2 order by cluster_index")
                .execute(Tuple.of(workspace, version))
                .map(rows -> {
                    List<ClusterCentroid> clusters = new ArrayList<>();
                    rows.forEach(row -> clusters.add(new ClusterCentroid(row.getInteger("cluster_index"),
                            row.getInteger("size"), row.getDouble("recency_days"), row.getDouble("frequency"),
                            row.getDouble("monetary"))));
                    return clusters;
                });
    }

    private static StoredScore storedScore(Row row) {
        ProfileScore score = new ProfileScore(row.getString("profile_id"), row.getInteger("recency_days"),
                row.getInteger("frequency"), row.getDouble("monetary"), row.getInteger("r"), row.getInteger("f"),
                row.getInteger("m"), row.getString("segment"), row.getDouble("expected_purchases"),
                row.getDouble("p_alive"), row.getDouble("expected_order_value"), row.getDouble("clv"),
                row.getString("churn_risk"), row.getString("value_tier"), row.getDouble("engagement"),
                row.getInteger("cluster"));
        return new StoredScore(score, row.getInteger("version"), row.getOffsetDateTime("scored_at").toInstant(),
                row.getInteger("horizon_days"), row.getString("currency"));
    }

    private static ModelFitRecord fitRecord(Row row, List<ClusterCentroid> clusters) {
        BgNbdModel bgNbd = null;
        FitDiagnostics bgNbdDiagnostics = null;
        if (row.getDouble("bgnbd_r") != null) {
            bgNbd = row.getBoolean("bgnbd_dropout")
                    ? BgNbdModel.withDropout(row.getDouble("bgnbd_r"), row.getDouble("bgnbd_alpha"),
                    row.getDouble("bgnbd_a"), row.getDouble("bgnbd_b"))
                    : BgNbdModel.withoutDropout(row.getDouble("bgnbd_r"), row.getDouble("bgnbd_alpha"));
            bgNbdDiagnostics = new FitDiagnostics(row.getDouble("bgnbd_log_likelihood"),
                    row.getInteger("bgnbd_iterations"), row.getInteger("bgnbd_evaluations"),
                    row.getInteger("bgnbd_customers"), names(row.getString("bgnbd_boundary")),
                    row.getString("bgnbd_fallback"), row.getString("bgnbd_note"));
        }
        GammaGammaModel gammaGamma = null;
        FitDiagnostics gammaGammaDiagnostics = null;
        if (row.getDouble("gg_p") != null) {
            gammaGamma = new GammaGammaModel(row.getDouble("gg_p"), row.getDouble("gg_q"), row.getDouble("gg_gamma"));
            gammaGammaDiagnostics = new FitDiagnostics(row.getDouble("gg_log_likelihood"),
                    row.getInteger("gg_iterations"), row.getInteger("gg_evaluations"), row.getInteger("gg_customers"),
                    names(row.getString("gg_boundary")), null, row.getString("gg_note"));
        }
        return new ModelFitRecord(row.getInteger("version"), row.getOffsetDateTime("fitted_at").toInstant(),
                row.getLocalDate("as_of"), row.getString("currency"), row.getString("trigger"),
                row.getInteger("profiles"), row.getInteger("unpredicted_profiles"), row.getString("note"), bgNbd, bgNbdDiagnostics, gammaGamma,
                gammaGammaDiagnostics, clusters, row.getDouble("silhouette"), row.getDouble("fit_seconds"),
                row.getBoolean("tags_pushed"), row.getString("push_error"));
    }

    private static List<String> names(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : List.of(joined.split(","));
    }

    private static List<String> strings(RowSet<Row> rows, String column) {
        List<String> values = new ArrayList<>();
        rows.forEach(row -> values.add(row.getString(column)));
        return values;
    }
}
