package io.portrait.launcher.eval;

import io.portrait.scoring.engine.clv.BgNbdFit;
import io.portrait.scoring.engine.clv.BgNbdFitter;
import io.portrait.scoring.engine.clv.BgNbdModel;
import io.portrait.scoring.engine.clv.GammaGammaFit;
import io.portrait.scoring.engine.clv.GammaGammaFitter;
import io.portrait.scoring.engine.clv.GammaGammaModel;
import io.portrait.scoring.engine.clv.RepeatHistory;
import io.portrait.scoring.engine.value.CustomerPurchases;
import io.portrait.scoring.engine.value.PopulationScorer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * {@code ./portrait eval clv --transactions FILE --calibration-end DATE [--holdout FILE [--holdout-end DATE]]}: fits
 * BG/NBD and Gamma-Gamma with scoring-service's engine on the purchases up to the calibration end (in weeks, as
 * the service does), and with a hold-out compares the expected purchases over the hold-out period with the actual
 * ones and with a naive rate baseline. Prints its findings, then one JSON line with the figures.
 * <p>
 * Only purchases on or before the calibration end are fitted and only those after it are held out, so one file
 * holding both periods can be passed as both {@code --transactions} and {@code --holdout}.
 */
final class ClvEval {

    static final String USAGE = "usage: ./portrait eval clv --transactions FILE --calibration-end yyyy-MM-dd"
            + " [--holdout FILE [--holdout-end yyyy-MM-dd]]";

    private static final double DAYS_PER_WEEK = 7;

    private ClvEval() {
    }

    static void main(List<String> args, PrintStream out) {
        Options options = Options.parse(args);
        LocalDate calibrationEnd = options.calibrationEnd();
        TransactionFile.Contents transactions = TransactionFile.read(options.transactions());
        List<CustomerPurchases> customers = new ArrayList<>();
        for (Map.Entry<String, SortedMap<LocalDate, Double>> customer : transactions.days().entrySet()) {
            SortedMap<LocalDate, Double> calibration = customer.getValue().headMap(calibrationEnd.plusDays(1));
            if (!calibration.isEmpty()) {
                customers.add(new CustomerPurchases(customer.getKey(), calibration));
            }
        }
        if (customers.isEmpty()) {
            throw new IllegalArgumentException(options.transactions() + " has no purchase on or before " + calibrationEnd);
        }
        List<RepeatHistory> histories = customers.stream().map(c -> PopulationScorer.history(c, calibrationEnd)).toList();
        long repeatBuyers = histories.stream().filter(h -> h.x() > 0).count();
        out.printf(Locale.ROOT, "Transactions: %s format, %,d transactions of %,d customers in %s%n",
                transactions.format().label, transactions.transactions(), transactions.days().size(),
                options.transactions().getFileName());
        out.printf(Locale.ROOT, "Calibration to %s: %,d customers, %,d with repeat purchase days (time unit: weeks)%n",
                calibrationEnd, customers.size(), repeatBuyers);

        long started = System.nanoTime();
        BgNbdFit purchases = BgNbdFitter.fit(histories);
        GammaGammaFit spend = GammaGammaFitter.fit(histories);
        double fitSeconds = (System.nanoTime() - started) / 1e9;
        BgNbdModel bgnbd = purchases.model();
        GammaGammaModel gammaGamma = spend.model();
        if (bgnbd.dropout()) {
            out.printf(Locale.ROOT, "BG/NBD       r = %.6g  alpha = %.6g  a = %.6g  b = %.6g%n",
                    bgnbd.r(), bgnbd.alpha(), bgnbd.a(), bgnbd.b());
        } else {
            out.printf(Locale.ROOT, "BG/NBD       r = %.6g  alpha = %.6g  (no drop-out limit, a and b not identified)%n",
                    bgnbd.r(), bgnbd.alpha());
        }
        out.printf(Locale.ROOT, "             log-likelihood = %.4f  (%d likelihood evaluations)%n",
                purchases.diagnostics().logLikelihood(), purchases.diagnostics().evaluations());
        note(out, purchases.diagnostics().note());
        out.printf(Locale.ROOT, "Gamma-Gamma  p = %.6g  q = %.6g  gamma = %.6g  (%,d repeat buyers with a value)%n",
                gammaGamma.p(), gammaGamma.q(), gammaGamma.gamma(), spend.diagnostics().customers());
        note(out, spend.diagnostics().note());
        out.printf(Locale.ROOT, "Fitted in %.3f s%n", fitSeconds);

        StringBuilder json = new StringBuilder();
        json.append("{\"bgnbd\": {\"r\": ").append(number(bgnbd.r()))
                .append(", \"alpha\": ").append(number(bgnbd.alpha()))
                .append(", \"a\": ").append(bgnbd.dropout() ? number(bgnbd.a()) : "null")
                .append(", \"b\": ").append(bgnbd.dropout() ? number(bgnbd.b()) : "null")
                .append(", \"logLikelihood\": ").append(number(purchases.diagnostics().logLikelihood()))
                .append("}, \"gammaGamma\": {\"p\": ").append(number(gammaGamma.p()))
                .append(", \"q\": ").append(number(gammaGamma.q()))
                .append(", \"gamma\": ").append(number(gammaGamma.gamma()))
                .append("}, \"fitSeconds\": ").append(number(fitSeconds));
        if (options.holdout() != null) {
            Holdout holdout = holdout(options, transactions, customers, histories, bgnbd, out);
            json.append(", \"holdout\": {\"predictedTotal\": ").append(number(holdout.predictedTotal()))
                    .append(", \"actualTotal\": ").append(holdout.actualTotal())
                    .append(", \"naiveTotal\": ").append(number(holdout.naiveTotal()))
                    .append(", \"mae\": ").append(number(holdout.mae()))
                    .append(", \"naiveMae\": ").append(number(holdout.naiveMae()))
                    .append(", \"customers\": ").append(holdout.customers()).append('}');
        }
        out.println(json.append('}'));
    }

    /** Hold-out figures over the customers who bought in the calibration period. */
    record Holdout(double predictedTotal, long actualTotal, double naiveTotal, double mae, double naiveMae,
                   int customers) {
    }

    private static Holdout holdout(Options options, TransactionFile.Contents transactions,
                                   List<CustomerPurchases> customers, List<RepeatHistory> histories, BgNbdModel model,
                                   PrintStream out) {
        LocalDate calibrationEnd = options.calibrationEnd();
        TransactionFile.Contents later = sameFile(options.transactions(), options.holdout()) ? transactions
                : TransactionFile.read(options.holdout());
        LocalDate end = options.holdoutEnd() != null ? options.holdoutEnd() : later.lastDayAfter(calibrationEnd);
        if (end == null) {
            throw new IllegalArgumentException(options.holdout() + " has no purchase after " + calibrationEnd
                    + ": nothing to compare the predictions with");
        }
        double weeks = ChronoUnit.DAYS.between(calibrationEnd, end) / DAYS_PER_WEEK;
        LocalDate from = calibrationEnd.plusDays(1);
        LocalDate until = end.plusDays(1);
        int n = customers.size();
        double predictedTotal = 0;
        double naiveTotal = 0;
        long actualTotal = 0;
        double error = 0;
        double naiveError = 0;
        for (int i = 0; i < n; i++) {
            RepeatHistory h = histories.get(i);
            SortedMap<LocalDate, Double> days = later.days().get(customers.get(i).profileId());
            int actual = days == null ? 0 : days.subMap(from, until).size();
            double predicted = model.expectedPurchases(h, weeks);
            // Purchase days per week since the first purchase; a first purchase on the last day counts as one day.
            double naive = (h.x() + 1) / Math.max(h.t(), 1 / DAYS_PER_WEEK) * weeks;
            predictedTotal += predicted;
            naiveTotal += naive;
            actualTotal += actual;
            error += Math.abs(predicted - actual);
            naiveError += Math.abs(naive - actual);
        }
        Set<String> calibrationCustomers = new HashSet<>();
        customers.forEach(c -> calibrationCustomers.add(c.profileId()));
        long newcomers = 0;
        long newcomerDays = 0;
        for (Map.Entry<String, SortedMap<LocalDate, Double>> customer : later.days().entrySet()) {
            int days = customer.getValue().subMap(from, until).size();
            if (days > 0 && !calibrationCustomers.contains(customer.getKey())) {
                newcomers++;
                newcomerDays += days;
            }
        }
        Holdout holdout = new Holdout(predictedTotal, actualTotal, naiveTotal, error / n, naiveError / n, n);
        out.printf(Locale.ROOT, "Hold-out %s to %s (%.2f weeks) in %s: %,d calibration customers%n", from, end, weeks,
                options.holdout().getFileName(), n);
        out.printf(Locale.ROOT, "  purchase days   predicted %,.1f   actual %,d   naive %,.1f%n",
                holdout.predictedTotal(), holdout.actualTotal(), holdout.naiveTotal());
        out.printf(Locale.ROOT, "  per-customer mean absolute error   model %.4f   naive %.4f  (%s)%n", holdout.mae(),
                holdout.naiveMae(), holdout.mae() < holdout.naiveMae() ? "the model is closer"
                        : "the naive baseline is as close or closer");
        if (newcomers > 0) {
            out.printf(Locale.ROOT, "  not predicted: %,d purchase days of %,d customers who first bought in the hold-out%n",
                    newcomerDays, newcomers);
        }
        return holdout;
    }

    private static void note(PrintStream out, String note) {
        if (note != null) {
            out.println("             note: " + note);
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /** A JSON number, or null for what JSON cannot carry. */
    private static String number(double value) {
        return Double.isFinite(value) ? Double.toString(value) : "null";
    }

    /** The command line. */
    record Options(Path transactions, LocalDate calibrationEnd, Path holdout, LocalDate holdoutEnd) {

        static Options parse(List<String> args) {
            Path transactions = null;
            LocalDate calibrationEnd = null;
            Path holdout = null;
            LocalDate holdoutEnd = null;
            for (int i = 0; i < args.size(); i += 2) {
                String option = args.get(i);
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("option " + option + " needs a value\n" + USAGE);
                }
                String value = args.get(i + 1);
                switch (option) {
                    case "--transactions" -> transactions = Path.of(value);
                    case "--calibration-end" -> calibrationEnd = day(option, value);
                    case "--holdout" -> holdout = Path.of(value);
                    case "--holdout-end" -> holdoutEnd = day(option, value);
                    default -> throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
                }
            }
            if (transactions == null || calibrationEnd == null) {
                throw new IllegalArgumentException("--transactions and --calibration-end are required\n" + USAGE);
            }
            if (holdoutEnd != null && holdout == null) {
                throw new IllegalArgumentException("--holdout-end needs --holdout\n" + USAGE);
            }
            if (holdoutEnd != null && !holdoutEnd.isAfter(calibrationEnd)) {
                throw new IllegalArgumentException("--holdout-end " + holdoutEnd + " must be after --calibration-end "
                        + calibrationEnd);
            }
            return new Options(transactions, calibrationEnd, holdout, holdoutEnd);
        }

        private static LocalDate day(String option, String value) {
            try {
                return LocalDate.parse(value);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("bad value for " + option + ": " + value + " is not a date (yyyy-MM-dd)\n"
                        + USAGE);
            }
        }
    }
}
