package io.portrait.scoring.engine.clv;

import org.hipparchus.special.Gamma;
import org.hipparchus.util.FastMath;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;

/**
 * Fits BG/NBD by maximum likelihood over the logs of r, alpha, a and b inside a wide box.
 * <p>
 * When drop-out is all but absent the likelihood keeps rising as b grows (or a shrinks) and has no interior
 * maximum; the no-drop-out limit (NBD), fitted too, is then used whenever it fits at least as well, which the
 * diagnostics say. When everyone drops out alike the likelihood keeps rising as a and b grow together: the fit keeps
 * them at the box's edge, names them, and predictions use the fixed drop-out limit there. Other parameters on the
 * edge are reported and kept at the bound, so predictions stay finite.
 */
public final class BgNbdFitter {

    /** The no-drop-out limit, used when it fits as well as drop-out or a ran to its floor. */
    public static final String NO_DROPOUT_FALLBACK = "nbd";

    static final double LOWER = 1e-5;
    static final double UPPER = 1e5;
    /** How much better (in log-likelihood) drop-out must fit than its absence to count as an interior maximum. */
    private static final double LIMIT_TOLERANCE = 1e-3;
    /**
     * A fit on the box's edge whose mean drop-out probability a/(a+b) is at most this is the no-drop-out limit
     * approached, not a drop-out found.
     */
    private static final double VANISHING_DROPOUT = 1e-4;
    private static final String[] NAMES = {"r", "alpha", "a", "b"};
    /** Below this many distinct histories the likelihood is summed on one thread. */
    private static final int PARALLEL_FROM = 20_000;

    private BgNbdFitter() {
    }

    /**
     * @throws IllegalArgumentException when there is no customer, or nobody bought twice (the purchase rate is
     *                                  then not identified)
     */
    public static BgNbdFit fit(List<RepeatHistory> histories) {
        return fit(histories, LogSpaceMaximizer.MAX_EVALUATIONS);
    }

    /**
     * As {@link #fit(List)}, each of the two maximizations taking at most {@code maxEvaluations} likelihood
     * evaluations.
     *
     * @throws org.hipparchus.exception.MathIllegalStateException when a maximization needs more evaluations
     */
    public static BgNbdFit fit(List<RepeatHistory> histories, int maxEvaluations) {
        Compressed data = Compressed.of(histories);
        if (data.size() == 0) {
            throw new IllegalArgumentException("BG/NBD needs at least one customer");
        }
        if (data.repeatBuyers == 0) {
            throw new IllegalArgumentException("BG/NBD needs at least one customer with a repeat purchase");
        }
        // alpha is a time scale: fit it in units of the mean observation length so all four start near 1.
        double scale = data.meanT > 0 ? data.meanT : 1;
        LogSpaceMaximizer.Result full = LogSpaceMaximizer.maximize(NAMES,
                new double[]{LOWER, LOWER, LOWER, LOWER}, new double[]{UPPER, UPPER, UPPER, UPPER},
                new double[]{1, 1, 1, 1},
                p -> data.logLikelihood(BgNbdModel.withDropout(p[0], p[1] * scale, p[2], p[3])), maxEvaluations);
        double[] p = full.parameters();
        BgNbdModel withDropout = BgNbdModel.withDropout(p[0], p[1] * scale, p[2], p[3]);
        double withDropoutLikelihood = data.logLikelihood(withDropout);
        // The no-drop-out limit is the supremum of the likelihood along b -> infinity: when the fit with drop-out
        // does not beat it, the maximum is not interior (the optimizer only crawled towards it, or hit the bound).
        LogSpaceMaximizer.Result limit = LogSpaceMaximizer.maximize(new String[]{"r", "alpha"},
                new double[]{LOWER, LOWER}, new double[]{UPPER, UPPER}, new double[]{p[0], p[1]},
                q -> data.logLikelihood(BgNbdModel.withoutDropout(q[0], q[1] * scale)), maxEvaluations);
        double[] q = limit.parameters();
        BgNbdModel noDropout = BgNbdModel.withoutDropout(q[0], q[1] * scale);
        double noDropoutLikelihood = data.logLikelihood(noDropout);
        int iterations = full.iterations() + limit.iterations();
        int evaluations = full.evaluations() + limit.evaluations();
        // The no-drop-out limit is the supremum along b -> infinity (a fixed) and along a -> 0 (b fixed): it is used
        // when it fits at least as well, or when the fit ran to the box's edge with a mean drop-out probability
        // a/(a+b) that vanishes there. A fit that ran b (or a) to its ceiling and still beats it is the other limit:
        // a and b growing together, the same drop-out probability a/(a+b) for everyone (see BgNbdModel).
        boolean noDropoutAsGood = noDropoutLikelihood >= withDropoutLikelihood - LIMIT_TOLERANCE;
        boolean onEdge = LogSpaceMaximizer.atUpper(full, 3, UPPER) || LogSpaceMaximizer.atLower(full, 2, LOWER);
        double meanDropout = p[2] / (p[2] + p[3]);
        if (!noDropoutAsGood && !(onEdge && meanDropout <= VANISHING_DROPOUT)) {
            List<String> onBound = new ArrayList<>(full.onBound());
            String note = null;
            if (LogSpaceMaximizer.atUpper(full, 2, UPPER) || LogSpaceMaximizer.atUpper(full, 3, UPPER)) {
                // Neither a nor b has a finite maximum there, only their ratio: both are named.
                List<String> stopped = new ArrayList<>(onBound);
                onBound.removeAll(List.of("a", "b"));
                onBound.addAll(List.of("a", "b"));
                note = String.format(Locale.ROOT, "no interior maximum: the likelihood keeps rising as a and b grow "
                                + "together (drop-out probability a/(a+b) = %.4g, about the same for every customer; "
                                + "%s stopped at the search bound)%s (log-likelihood %.4f, without drop-out %.4f)",
                        meanDropout, String.join(", ", stopped), withDropout.usesFixedDropout(0)
                                ? "; expected purchases use the fixed drop-out limit" : "",
                        withDropoutLikelihood, noDropoutLikelihood);
            } else if (!onBound.isEmpty()) {
                note = "no interior maximum: " + String.join(", ", onBound) + " kept at the search bound";
            }
            return new BgNbdFit(withDropout, new FitDiagnostics(withDropoutLikelihood, iterations, evaluations,
                    data.customers, onBound, null, note));
        }
        // a and b have no finite maximum in this case, whether or not the optimizer reached the bound.
        List<String> onBound = new ArrayList<>(limit.onBound());
        onBound.addAll(List.of("a", "b"));
        String note = String.format(Locale.ROOT, "no interior maximum: the likelihood keeps rising towards no drop-out "
                        + "(a/(a+b) -> 0; with drop-out at best %.4f at a=%.4g, b=%.4g, without %.4f); "
                        + "using the no-drop-out limit (NBD)",
                withDropoutLikelihood, p[2], p[3], noDropoutLikelihood);
        return new BgNbdFit(noDropout, new FitDiagnostics(noDropoutLikelihood, iterations, evaluations,
                data.customers, onBound, NO_DROPOUT_FALLBACK, note));
    }

    /** The total log-likelihood of the histories under a model. */
    public static double logLikelihood(BgNbdModel model, List<RepeatHistory> histories) {
        return Compressed.of(histories).logLikelihood(model);
    }

    /**
     * Histories grouped by (x, tx, T) with their counts: real data repeats the same few values, so the likelihood
     * is summed over far fewer rows than customers. Terms that depend on x alone are computed once per x.
     */
    private static final class Compressed {
        final int[] x;
        final double[] tx;
        final double[] t;
        final double[] weight;
        final int[] distinctX;
        final int maxX;
        final int customers;
        final int repeatBuyers;
        final double meanT;
        /**
         * The distinct T and t_x and each row's index into them: times are whole days in weeks in practice, so the
         * logarithms of alpha + T and alpha + t_x are taken once per distinct value rather than once per row.
         */
        final double[] tValues;
        final double[] txValues;
        final int[] tIndex;
        final int[] txIndex;

        private Compressed(int[] x, double[] tx, double[] t, double[] weight, int customers, int repeatBuyers,
                           double meanT) {
            this.x = x;
            this.tx = tx;
            this.t = t;
            this.weight = weight;
            this.customers = customers;
            this.repeatBuyers = repeatBuyers;
            this.meanT = meanT;
            this.distinctX = IntStream.of(x).distinct().sorted().toArray();
            this.maxX = distinctX.length == 0 ? 0 : distinctX[distinctX.length - 1];
            this.tValues = DoubleStream.of(t).distinct().toArray();
            this.txValues = DoubleStream.of(tx).distinct().toArray();
            this.tIndex = indexes(t, tValues);
            this.txIndex = indexes(tx, txValues);
        }

        /** Where each value sits in {@code distinct}. */
        private static int[] indexes(double[] values, double[] distinct) {
            Map<Double, Integer> position = new HashMap<>();
            for (int i = 0; i < distinct.length; i++) {
                position.put(distinct[i], i);
            }
            int[] index = new int[values.length];
            for (int i = 0; i < values.length; i++) {
                index[i] = position.get(values[i]);
            }
            return index;
        }

        static Compressed of(List<RepeatHistory> histories) {
            record Key(int x, double tx, double t) {
            }
            Map<Key, int[]> counts = new HashMap<>();
            double totalT = 0;
            int repeat = 0;
            for (RepeatHistory h : histories) {
                counts.computeIfAbsent(new Key(h.x(), h.tx(), h.t()), k -> new int[1])[0]++;
                totalT += h.t();
                repeat += h.x() > 0 ? 1 : 0;
            }
            int n = counts.size();
            int[] x = new int[n];
            double[] tx = new double[n];
            double[] t = new double[n];
            double[] w = new double[n];
            int i = 0;
            for (Map.Entry<Key, int[]> entry : counts.entrySet()) {
                x[i] = entry.getKey().x();
                tx[i] = entry.getKey().tx();
                t[i] = entry.getKey().t();
                w[i] = entry.getValue()[0];
                i++;
            }
            return new Compressed(x, tx, t, w, histories.size(), repeat,
                    histories.isEmpty() ? 0 : totalT / histories.size());
        }

        private static double[] logAlphaPlus(double alpha, double[] times) {
            double[] logs = new double[times.length];
            for (int i = 0; i < times.length; i++) {
                logs[i] = Math.log(alpha + times[i]);
            }
            return logs;
        }

        int size() {
            return x.length;
        }

        double logLikelihood(BgNbdModel m) {
            double r = m.r();
            double alpha = m.alpha();
            double[] common = new double[maxX + 1];
            double[] dropTerm = new double[maxX + 1];
            double base = -Gamma.logGamma(r) + r * FastMath.log(alpha);
            if (m.dropout()) {
                base += Gamma.logGamma(m.a() + m.b()) - Gamma.logGamma(m.b());
            }
            for (int k : distinctX) {
                common[k] = base + Gamma.logGamma(r + k);
                if (m.dropout()) {
                    common[k] += Gamma.logGamma(m.b() + k) - Gamma.logGamma(m.a() + m.b() + k);
                    dropTerm[k] = k == 0 ? 0 : FastMath.log(m.a()) - FastMath.log(m.b() + k - 1);
                }
            }
            boolean dropout = m.dropout();
            double[] logAlphaT = logAlphaPlus(alpha, tValues);
            double[] logAlphaTx = dropout ? logAlphaPlus(alpha, txValues) : null;
            IntStream rows = IntStream.range(0, x.length);
            if (x.length >= PARALLEL_FROM) {
                rows = rows.parallel();
            }
            // Math rather than FastMath in this loop: the JIT turns Math.log and Math.exp into intrinsics.
            return rows.mapToDouble(i -> {
                int k = x[i];
                double whileAlive = -(r + k) * logAlphaT[tIndex[i]];
                double ll = whileAlive;
                if (dropout && k > 0) {
                    double dropped = dropTerm[k] - (r + k) * logAlphaTx[txIndex[i]];
                    double max = Math.max(whileAlive, dropped);
                    ll = max + Math.log1p(Math.exp(-Math.abs(whileAlive - dropped)));
                }
                return weight[i] * (common[k] + ll);
            }).sum();
        }
    }
}
