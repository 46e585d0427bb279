package io.portrait.launcher;

import io.portrait.launcher.bench.EventPathBench;
import io.portrait.launcher.bench.ExportBench;
import io.portrait.launcher.bench.LinkageBench;
import io.portrait.launcher.bench.ProfileViewBench;
import io.portrait.launcher.demo.DemoEvents;
import io.portrait.launcher.demo.DemoLoader;
import io.portrait.launcher.eval.Eval;
import io.portrait.launcher.importing.ImportCommand;
import io.portrait.launcher.suite.GatewayClient;
import io.portrait.launcher.suite.ServiceSpec;
import io.portrait.launcher.suite.Suite;
import io.portrait.launcher.suite.SuitePorts;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** {@code ./portrait <command>}: run the suite locally, or measure it. */
public final class Main {

    /** How long the launcher waits for the sinks to apply the demo before it prints the showcase anyway. */
    private static final long SHOWCASE_WAIT_MILLIS = 60_000;
    private static final String SCORING_CURRENCY_VARIABLE = "PORTRAIT_SCORING_DEFAULT_CURRENCY";

    private static final String USAGE = """
            usage: ./portrait <command> [options]

              run [--no-demo]        start embedded PostgreSQL and MongoDB and all six services, load the demo
                                     data, print the URLs, and run until Ctrl-C. State lives in .portrait/.
              import FILE [--format csv|ndjson|xlsx|xls] [--map column=field ...] [--source S] [--type T]
                     [--event E] [--channel C] [--encoding E] [--time-zone Z] [--sheet S] [--url U] [--key K]
                                     load a customer file into a running Portrait (default http://localhost:8080,
                                     key .portrait/admin-key) and sum it up (see docs/ingestion.md, "File import")
              bench [--events N]     start a throw-away suite and measure the event path (default 10000 events);
                                     with --url U [--key K] measure a running gateway (key: .portrait/admin-key)
              bench profile [--rate R] [--seconds S] [--profiles N]
                                     the profile view's latency at R requests/s (default 500 for 20 s)
              bench export [--members N]
                                     an audience's CSV export, membership alone and with identifiers, traits
                                     and a tag (default 20000 members)
              bench linkage [--records 1000000] [--seed 42] [--phones]
                                     probabilistic deduplication of generated person records (no suite);
                                     --phones gives them phone numbers (the source of the phone priors)
              eval clv --transactions FILE --calibration-end DATE [--holdout FILE [--holdout-end DATE]]
                                     fit BG/NBD and Gamma-Gamma on a CDNOW or Online Retail file (plain or gzip)
                                     up to DATE; with a hold-out, predicted vs actual purchases (docs/scoring.md)
              eval recommend --train FILE --test FILE [--k 10]
                                     evaluate recommendations on an Online Retail time split against a
                                     popularity baseline and Apache Mahout (see docs/recommendations.md)
              eval split --data FILE --at DATE [--to DATE] --train OUT --test OUT
                                     cut an Online Retail file in time, for eval recommend
              eval recommend-latency [--profiles 100000] [--items 5000]
                                     measure the recommender's latency on a synthetic workspace
              eval identity --records A.csv [--records B.csv] --truth T.csv
                                     probabilistic linkage of Febrl-format person records (one file: dedupe;
                                     two: link across them) scored against true pairs (see docs/identity.md)
              help                   this text
            """;

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        String command = rest.isEmpty() ? "help" : rest.remove(0);
        Path home = Path.of(System.getProperty("portrait.home", ".")).toAbsolutePath().normalize();
        try {
            switch (command) {
                case "run" -> run(home, rest, out);
                case "bench" -> {
                    if (!rest.isEmpty() && rest.get(0).equals("profile")) {
                        ProfileViewBench.main(home, rest.subList(1, rest.size()), out);
                    } else if (!rest.isEmpty() && rest.get(0).equals("export")) {
                        ExportBench.main(home, rest.subList(1, rest.size()), out);
                    } else if (!rest.isEmpty() && rest.get(0).equals("linkage")) {
                        LinkageBench.main(rest.subList(1, rest.size()), out);
                    } else {
                        EventPathBench.main(home, rest, out);
                    }
                }
                case "eval" -> Eval.main(rest, out);
                case "import" -> ImportCommand.main(home, rest, out);
                case "help", "--help", "-h" -> out.print(USAGE);
                default -> {
                    System.err.println("unknown command: " + command);
                    System.err.print(USAGE);
                    System.exit(2);
                }
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("portrait: " + e.getMessage());
            System.exit(1);
        } catch (UncheckedIOException e) {
            // A file that cannot be read as asked (not UTF-8, a truncated archive, gone meanwhile).
            System.err.println("portrait: " + e.getMessage() + (e.getCause() == null || e.getCause().getMessage() == null
                    ? "" : ": " + e.getCause().getMessage()));
            System.exit(1);
        }
    }

    private static void run(Path home, List<String> options, PrintStream out) throws InterruptedException {
        boolean demo = true;
        for (String option : options) {
            if (option.equals("--no-demo")) {
                demo = false;
            } else {
                throw new IllegalArgumentException("unknown option for run: " + option);
            }
        }
        long started = System.nanoTime();
        Map<ServiceSpec, Map<String, String>> settings = new EnumMap<>(ServiceSpec.class);
        String currency = System.getenv(SCORING_CURRENCY_VARIABLE);
        if (currency != null) {
            // Scoring reads it from the environment it inherits; ingestion gives the same currency to amounts sent
            // without one, or those would count for nothing in the scores.
            settings.put(ServiceSpec.INGESTION, Map.of("portrait.ingestion.default-currency", currency));
        } else if (demo) {
            // Monetary values and CLV are reported in one currency; the demo's orders are all in pounds. Ingestion
            // gives the same currency to amounts sent without one, so an order sent by hand counts in the scores too.
            settings.put(ServiceSpec.SCORING, Map.of("portrait.scoring.default-currency", DemoEvents.CURRENCY));
            settings.put(ServiceSpec.INGESTION, Map.of("portrait.ingestion.default-currency", DemoEvents.CURRENCY));
            out.println("Amounts are in " + DemoEvents.CURRENCY + ", the demo data's currency ("
                    + SCORING_CURRENCY_VARIABLE + " sets another).");
        }
        Suite suite = new Suite(new Suite.Options(home, home.resolve(".portrait"), SuitePorts.standard(), true, out,
                settings));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println();
            out.println("Stopping Portrait ...");
            suite.close();
            out.println("Stopped.");
        }, "portrait-shutdown"));
        suite.start();

        GatewayClient gateway = new GatewayClient(suite.gatewayUrl(), suite.adminKey());
        DemoLoader.Result result = null;
        DemoLoader.Showcase showcase = null;
        if (demo) {
            DemoLoader loader = new DemoLoader(gateway, out, LocalDate.now());
            result = loader.load();
            showcase = loader.finish(result, SHOWCASE_WAIT_MILLIS);
        }
        out.println();
        out.println("Portrait is up in " + (System.nanoTime() - started) / 1_000_000_000 + " s.");
        out.println("  Gateway     " + suite.gatewayUrl());
        out.println("  Swagger UI  " + suite.gatewayUrl() + "/q/swagger-ui");
        out.println("  Console     " + suite.gatewayUrl() + "/console/");
        out.println("  OpenAPI     " + suite.gatewayUrl() + "/q/openapi");
        out.println("  Logs        " + home.relativize(home.resolve(".portrait/logs")) + "/");
        out.println("  Admin key   " + suite.adminKey() + "  (every scope; also in .portrait/admin-key)");
        if (result != null) {
            out.printf("Demo data: %,d customers, %,d events (%,d accepted, %,d rejected) in %.1f s.%n",
                    result.customers(), result.events(), result.accepted(), result.rejected(), result.millis() / 1000.0);
            String email = result.showcase().email();
            out.println("A demo customer:");
            out.println("  curl -H \"X-API-Key: $(cat .portrait/admin-key)\" '" + gateway.lookupUrl("email", email) + "'");
            out.println(DemoLoader.pretty(showcase.answer().body()));
            if (!showcase.complete()) {
                out.printf("  (after %.0f s the services were still applying the demo; ask again in a moment for the full view)%n",
                        showcase.waitedMillis() / 1000.0);
            }
            out.println("Try next (docs/operations.md, \"The demo\"):");
            for (String path : DemoLoader.TRY_NEXT) {
                out.println("  curl -H \"X-API-Key: $(cat .portrait/admin-key)\" '" + suite.gatewayUrl() + path + "'");
            }
        }
        out.println("Press Ctrl-C to stop.");
        String failure = suite.awaitServiceExit(Duration.ofSeconds(2));
        if (failure != null) {
            // The shutdown hook stops the rest; a suite missing a service is not left looking up.
            System.err.println(failure);
            System.exit(1);
        }
        Thread.currentThread().join();
    }
}
