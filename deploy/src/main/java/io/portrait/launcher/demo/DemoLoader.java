package io.portrait.launcher.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portrait.launcher.suite.GatewayClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Loads the shipped Online Retail subset through the gateway, as a front end would send it: the starter taxonomy's
 * tags first (so they are computed event by event), then the events, dated up to the past week; once every service
 * has applied the showcase customer's orders, and tagging and scoring every other event, a scoring refit (which
 * pushes the model tags) and the segments.
 */
public final class DemoLoader {

    public static final String RESOURCE = "/demo/online-retail-demo.csv.gz";
    private static final int BATCH = 250;
    private static final int ATTEMPTS = 3;

    /** @param showcaseOrders completed orders of the showcase customer: what its view shows once the sinks have them all */
    public record Result(int customers, int events, int accepted, int rejected, long millis,
                         DemoEvents.DemoCustomer showcase, int showcaseOrders) {
    }

    /** The showcase's view, and whether every service had applied the demo to it when it was read. */
    public record Showcase(GatewayClient.Answer answer, boolean complete, long waitedMillis) {
    }

    /** The refit's model version and whether it pushed the model tags. */
    public record Refit(String modelVersion, boolean tagsPushed) {
    }

    /** Gateway calls the launcher suggests once the demo is loaded: the taxonomy, an insight, an audience, the models. */
    public static final List<String> TRY_NEXT = List.of("/v1/tags", "/v1/tags/favourite_products/insight",
            "/v1/segments/win_back/members.csv?identifiers=email&tags=loyalty,favourite_products",
            "/v1/scoring/models/latest");

    private static final String ORDER_COMPLETED = "Order Completed";
    private static final long POLL_MILLIS = 250;

    private final GatewayClient gateway;
    private final PrintStream out;
    private final LocalDate today;
    private final DemoTaxonomy taxonomy;

    /** @param today the demo's orders are dated up to the week before this day */
    public DemoLoader(GatewayClient gateway, PrintStream out, LocalDate today) {
        this.gateway = gateway;
        this.out = out;
        this.today = today;
        this.taxonomy = new DemoTaxonomy(gateway);
    }

    public static List<RetailRow> shippedRows() {
        try (InputStream in = DemoLoader.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("demo data missing from the launcher: " + RESOURCE);
            }
            return RetailCsv.readGzip(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Result load() {
        DemoTaxonomy.Applied tags = taxonomy.defineTags();
        out.printf("  starter taxonomy: %d tags published, %d kept as they were%n", tags.created().size(),
                tags.existing().size());
        List<RetailRow> rows = shippedRows();
        List<ObjectNode> events = DemoEvents.events(rows, today);
        long started = System.nanoTime();
        int accepted = 0;
        int rejected = 0;
        for (int from = 0; from < events.size(); from += BATCH) {
            List<ObjectNode> batch = events.subList(from, Math.min(events.size(), from + BATCH));
            // wait=true: each batch is on profiles before the next goes, so the demo is complete when this returns.
            GatewayClient.Answer answer = gateway.postEvents(batch, true);
            // A busy machine can outlast the wait; events are stored once per messageId, so sending again is safe.
            for (int attempt = 1; attempt < ATTEMPTS && (answer.status() == 503 || answer.status() == 504); attempt++) {
                answer = gateway.postEvents(batch, true);
            }
            if (answer.status() != 200 && answer.status() != 422) {
                throw new IllegalStateException("gateway answered " + answer.status() + ": " + answer.body());
            }
            accepted += answer.body().path("accepted").asInt();
            rejected += answer.body().path("rejected").size();
            out.printf("\r  demo data: %,d of %,d events sent", from + batch.size(), events.size());
        }
        out.println();
        long millis = (System.nanoTime() - started) / 1_000_000;
        int customers = (int) rows.stream().mapToLong(RetailRow::customerId).distinct().count();
        DemoEvents.DemoCustomer showcase = showcase(rows);
        return new Result(customers, events.size(), accepted, rejected, millis, showcase, completedOrders(rows, showcase));
    }

    /**
     * Waits for the showcase (at most {@code timeoutMillis}, see {@link #awaitShowcase}), then refits the scores so
     * that they count every order and push the model tags, saves or refreshes the segments, and reads the view the
     * launcher prints.
     */
    public Showcase finish(Result result, long timeoutMillis) {
        Showcase applied = awaitShowcase(result, timeoutMillis);
        // The refit reads scoring's purchases and the segments tagging's values; recommendation may take longer.
        long behind = gateway.awaitDelivered(Duration.ofMillis(Math.max(0, timeoutMillis - applied.waitedMillis())),
                "tagging", "scoring");
        if (behind > 0) {
            out.printf("  %,d events still on their way to tagging and scoring; the next scheduled refit and segment"
                    + " refresh count them%n", behind);
        }
        Refit refit = refitScores();
        DemoTaxonomy.Applied segments = taxonomy.defineSegments();
        out.printf("  scores refitted (model %s%s); segments: %d saved, %d refreshed%n", refit.modelVersion(),
                refit.tagsPushed() ? ", model tags pushed" : ", model tags not pushed", segments.created().size(),
                segments.existing().size());
        long learning = gateway.awaitDelivered(Duration.ZERO, "recommendation");
        if (learning > 0) {
            out.printf("  recommendation is still learning from %,d entries of the demo (GET /v1/delivery shows when it"
                    + " is done); until then other customers may get best sellers%n", learning);
        }
        GatewayClient.Answer view = gateway.lookup("email", result.showcase().email());
        return new Showcase(view, applied.complete() && complete(view, result.showcaseOrders()), applied.waitedMillis());
    }

    /** An on-demand refit; one already running makes it wait, and a busy machine may answer 409: asked again. */
    public Refit refitScores() {
        GatewayClient.Answer answer = gateway.post("/v1/scoring/refits");
        for (int attempt = 1; attempt < ATTEMPTS && answer.status() == 409; attempt++) {
            answer = gateway.post("/v1/scoring/refits");
        }
        if (answer.status() != 200) {
            throw new IllegalStateException("scoring refit: the gateway answered " + answer.status() + ": " + answer.body());
        }
        return new Refit(answer.body().path("modelVersion").asText(), answer.body().path("tagsPushed").asBoolean());
    }

    /**
     * Reads the showcase's profile view until tagging, scoring and recommendation show every one of its orders and
     * no part is degraded, at most {@code timeout}. wait=true only covers identity: the sinks get the events
     * afterwards, through their outboxes, and a view read before they are done shows parts missing or degraded.
     */
    public Showcase awaitShowcase(Result result, long timeoutMillis) {
        long started = System.nanoTime();
        boolean waiting = false;
        try {
            while (true) {
                GatewayClient.Answer answer = gateway.lookup("email", result.showcase().email());
                long waited = (System.nanoTime() - started) / 1_000_000;
                boolean complete = complete(answer, result.showcaseOrders());
                if (complete || waited >= timeoutMillis) {
                    return new Showcase(answer, complete, waited);
                }
                waiting = true;
                out.printf("\r  waiting for the services to apply the demo: %.0f s", waited / 1000.0);
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the demo", e);
        } finally {
            if (waiting) {
                out.println();
            }
        }
    }

    /**
     * Whether a view shows all {@code orders} of the customer in tagging's activity and scoring's purchases,
     * recommendations made from them, and nothing degraded. Orders carry identifiers known since the sign-up, so
     * they count on the profile directly.
     */
    static boolean complete(GatewayClient.Answer answer, int orders) {
        if (answer.status() != 200 || answer.body() == null) {
            return false;
        }
        JsonNode view = answer.body();
        if (view.path("degraded").size() > 0) {
            return false;
        }
        long tagged = 0;
        for (JsonNode activity : view.path("activity")) {
            if (activity.path("event").asText().equals(ORDER_COMPLETED)) {
                tagged = activity.path("count").asLong();
            }
        }
        return tagged == orders && view.path("purchases").path("orders").asLong() == orders
                && view.path("recommendations").path("personalized").asBoolean();
    }

    /** Invoices of the customer that are not cancellations: each is one Order Completed event. */
    static int completedOrders(List<RetailRow> rows, DemoEvents.DemoCustomer customer) {
        return (int) rows.stream()
                .filter(row -> row.customerId() == customer.id() && !row.cancellation())
                .map(RetailRow::invoiceNo)
                .distinct()
                .count();
    }

    /** The customer with invoices on the most channels, most invoices first, lowest id on ties. */
    static DemoEvents.DemoCustomer showcase(List<RetailRow> rows) {
        Map<Long, Set<DemoEvents.Channel>> channels = new TreeMap<>();
        Map<Long, Set<String>> invoices = new HashMap<>();
        for (RetailRow row : rows) {
            channels.computeIfAbsent(row.customerId(), k -> new TreeSet<>()).add(DemoEvents.channelOf(row.invoiceNo()));
            invoices.computeIfAbsent(row.customerId(), k -> new TreeSet<>()).add(row.invoiceNo());
        }
        long best = channels.entrySet().stream()
                .max(Comparator.<Map.Entry<Long, Set<DemoEvents.Channel>>>comparingInt(e -> e.getValue().size())
                        .thenComparingInt(e -> Math.min(invoices.get(e.getKey()).size(), 12))
                        .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
                .map(Map.Entry::getKey)
                .orElseThrow();
        return new DemoEvents.DemoCustomer(best);
    }

    public static String pretty(JsonNode node) {
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return String.valueOf(node);
        }
    }
}
