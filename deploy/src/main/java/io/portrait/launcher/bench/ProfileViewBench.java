package io.portrait.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portrait.launcher.suite.GatewayClient;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * {@code ./portrait bench profile}: the profile view ({@code GET /v1/profiles/{id}}, every part composed) at a
 * fixed arrival rate. Requests are sent open-loop on a schedule, and each latency is counted from the time its
 * request was due, so a slow answer cannot hide the queue behind it (no coordinated omission).
 */
public final class ProfileViewBench {

    public record Settings(int rate, int seconds, int profiles) {
    }

    /**
     * @param outcomes       answers by HTTP status, and failures by cause ({@code timeout}, {@code connect}, ...)
     * @param degradedParts  how often each part was left out of a 200 answer
     */
    public record Figures(Settings settings, int requests, double p50, double p95, double p99, double max,
                          int errors, int degraded, double achievedRate, Map<String, Integer> outcomes,
                          Map<String, Integer> degradedParts, Map<String, String> errorSamples) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ProfileViewBench() {
    }

    public static void main(Path home, List<String> options, PrintStream out) throws Exception {
        BenchOptions parsed = BenchOptions.parse("bench profile", options,
                Set.of("--rate", "--seconds", "--profiles", "--url", "--key"));
        Settings settings = new Settings(parsed.positive("--rate", 500), parsed.positive("--seconds", 20),
                parsed.positive("--profiles", 200));
        BenchTarget.measure(home, parsed.text("--url"), parsed.text("--key"), out, (admin, own) -> report(measure(admin, settings, out,
                own ? loaded -> awaitDelivered(admin, loaded, out) : loaded -> { }), out));
    }

    /**
     * Measures the view. {@code settle} is given the number of events loaded and returns once the suite has applied
     * them everywhere (own suite), or at once (a suite at {@code --url}, whose other traffic the bench cannot see).
     */
    public static Figures measure(GatewayClient admin, Settings settings, PrintStream out, IntConsumer settle)
            throws Exception {
        // A front end's key: reads profiles (PII masked), with a rate above the one measured.
        GatewayClient.Answer created = admin.createKey("bench profile", List.of("profiles:read", "events:write"),
                settings.rate() * 4);
        if (created.status() != 201) {
            throw new IllegalStateException("cannot create the bench key: " + created.body());
        }
        GatewayClient gateway = new GatewayClient(admin.baseUrl(), created.body().path("token").asText());

        String run = UUID.randomUUID().toString().substring(0, 8);
        out.printf("Loading %,d profiles ...%n", settings.profiles());
        List<String> ids = new ArrayList<>();
        for (int from = 0; from < settings.profiles(); from += 100) {
            List<ObjectNode> events = new ArrayList<>();
            for (int i = from; i < Math.min(settings.profiles(), from + 100); i++) {
                events.add(EventPathBench.event(run + "-p" + i, run + "-p" + i, i));
            }
            GatewayClient.Answer answer = gateway.postEvents(events, true);
            if (answer.status() != 200) {
                throw new IllegalStateException("loading profiles: the gateway answered " + answer.status() + ": "
                        + answer.body());
            }
            // An event not yet on a profile when the wait ended has no profileId; reading "" would measure a 404.
            for (JsonNode accepted : answer.body().path("events")) {
                String id = accepted.path("profileId").asText("");
                if (!id.isEmpty()) {
                    ids.add(id);
                }
            }
        }
        if (ids.isEmpty()) {
            throw new IllegalStateException("no profile was made");
        }
        if (ids.size() < settings.profiles()) {
            out.printf("  %,d of %,d profiles were ready in time; measuring over those%n", ids.size(), settings.profiles());
        }
        settle.accept(settings.profiles());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String base = gateway.baseUrl();
        String token = created.body().path("token").asText();

        out.printf("Warming up ...%n");
        run(http, base, token, ids, settings.rate(), Math.min(5, settings.seconds()));
        out.printf("Measuring the profile view at %,d requests/s for %d s ...%n", settings.rate(), settings.seconds());
        return run(http, base, token, ids, settings.rate(), settings.seconds()).withSettings(settings);
    }

    /**
     * Waits until every service has applied the loaded events ({@code GET /v1/delivery} caught up), at most 10
     * minutes: the view is measured on data every service holds, not while the sinks are still applying the load
     * (parts would then miss their deadlines because of the writes, which the event-path bench measures).
     */
    static void awaitDelivered(GatewayClient admin, int events, PrintStream out) {
        long started = System.nanoTime();
        long behind = admin.awaitDelivered(Duration.ofMinutes(10));
        if (behind == 0) {
            out.printf("  every service has the %,d events (%.1f s)%n", events, (System.nanoTime() - started) / 1e9);
        } else {
            out.printf("  the services had not applied the %,d events after 10 minutes (%,d entries still on their way);"
                    + " measuring anyway%n", events, behind);
        }
    }

    private record Run(int requests, double[] sortedMillis, int errors, int degraded, double achievedRate,
                       Outcomes outcomes) {
        Figures withSettings(Settings settings) {
            return new Figures(settings, requests, EventPathBench.percentile(sortedMillis, 50),
                    EventPathBench.percentile(sortedMillis, 95), EventPathBench.percentile(sortedMillis, 99),
                    sortedMillis[sortedMillis.length - 1], errors, degraded, achievedRate, outcomes.byOutcome(),
                    outcomes.byDegradedPart(), outcomes.samples());
        }
    }

    /** What the answers were: counts per status or failure cause, per degraded part, and one error body of each. */
    static final class Outcomes {
        private final Map<String, Integer> byOutcome = new ConcurrentSkipListMap<>();
        private final Map<String, Integer> byDegradedPart = new ConcurrentSkipListMap<>();
        private final Map<String, String> samples = new ConcurrentSkipListMap<>();

        enum Kind { COMPLETE, DEGRADED, ERROR }

        /**
         * Counts one answer: an error (no 200), degraded (a 200 whose top-level {@code degraded} array names a part),
         * or complete. Only the top-level array counts; the word also appears inside parts (a recommendation's
         * reason, a tag's description).
         */
        Kind count(HttpResponse<String> response, Throwable failure) {
            if (failure != null) {
                String cause = cause(failure);
                byOutcome.merge(cause, 1, Integer::sum);
                samples.putIfAbsent(cause, String.valueOf(rootOf(failure).getMessage()));
                return Kind.ERROR;
            }
            return count(response.statusCode(), response.body());
        }

        Kind count(int statusCode, String body) {
            String status = String.valueOf(statusCode);
            byOutcome.merge(status, 1, Integer::sum);
            if (statusCode != 200) {
                // The problem+json detail says why (e.g. which service was unavailable).
                samples.putIfAbsent(status, abbreviate(body));
                return Kind.ERROR;
            }
            if (!body.contains("\"degraded\"")) {
                return Kind.COMPLETE;
            }
            JsonNode parts;
            try {
                parts = MAPPER.readTree(body).path("degraded");
            } catch (IOException e) {
                byDegradedPart.merge("(unreadable answer)", 1, Integer::sum);
                return Kind.DEGRADED;
            }
            for (JsonNode part : parts) {
                byDegradedPart.merge(part.asText(), 1, Integer::sum);
            }
            return parts.isEmpty() ? Kind.COMPLETE : Kind.DEGRADED;
        }

        Map<String, Integer> byOutcome() {
            return Map.copyOf(byOutcome);
        }

        Map<String, Integer> byDegradedPart() {
            return Map.copyOf(byDegradedPart);
        }

        Map<String, String> samples() {
            return Map.copyOf(samples);
        }

        static String cause(Throwable failure) {
            Throwable root = rootOf(failure);
            if (root instanceof HttpTimeoutException) {
                return "timeout";
            }
            if (root instanceof ConnectException) {
                return "connect";
            }
            return root.getClass().getSimpleName();
        }

        private static Throwable rootOf(Throwable failure) {
            Throwable root = failure;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return root;
        }

        private static String abbreviate(String body) {
            String text = body == null ? "" : body.replaceAll("\\s+", " ");
            return text.length() <= 300 ? text : text.substring(0, 300) + "...";
        }
    }

    private static Run run(HttpClient http, String base, String token, List<String> ids, int rate, int seconds)
            throws Exception {
        int total = rate * seconds;
        double[] latencies = new double[total];
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger degraded = new AtomicInteger();
        Outcomes outcomes = new Outcomes();
        List<CompletableFuture<Void>> inFlight = new ArrayList<>(total);
        long intervalNanos = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int n = i;
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/profiles/" + ids.get(i % ids.size())))
                    .header("X-API-Key", token).timeout(Duration.ofSeconds(10)).GET().build();
            inFlight.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .handle((response, failure) -> {
                        latencies[n] = (System.nanoTime() - due) / 1e6;
                        switch (outcomes.count(response, failure)) {
                            case ERROR -> errors.incrementAndGet();
                            case DEGRADED -> degraded.incrementAndGet();
                            case COMPLETE -> { }
                        }
                        return null;
                    }));
        }
        long sent = System.nanoTime();
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
        Arrays.sort(latencies);
        return new Run(total, latencies, errors.get(), degraded.get(), total / ((sent - start) / 1e9), outcomes);
    }

    static void report(Figures f, PrintStream out) {
        out.println();
        out.printf("Profile view: GET /v1/profiles/{id} over %,d profiles at %,d requests/s for %d s (%,d requests)%n",
                f.settings().profiles(), f.settings().rate(), f.settings().seconds(), f.requests());
        row(out, "sent (requests/s)", String.format(Locale.ROOT, "%,.0f", f.achievedRate()));
        row(out, "p50 (ms)", String.format(Locale.ROOT, "%.1f", f.p50()));
        row(out, "p95 (ms)", String.format(Locale.ROOT, "%.1f", f.p95()));
        row(out, "p99 (ms)", String.format(Locale.ROOT, "%.1f", f.p99()));
        row(out, "max (ms)", String.format(Locale.ROOT, "%.1f", f.max()));
        row(out, "errors (non-200)", String.valueOf(f.errors()));
        row(out, "degraded answers", String.valueOf(f.degraded()));
        new TreeMap<>(f.outcomes()).forEach((outcome, count) -> row(out, "  answered " + outcome, String.valueOf(count)));
        new TreeMap<>(f.degradedParts()).forEach((part, count) -> row(out, "  without " + part, String.valueOf(count)));
        new TreeMap<>(f.errorSamples()).forEach((outcome, sample) -> out.printf("  e.g. %s: %s%n", outcome, sample));
        ObjectNode json = MAPPER.createObjectNode();
        json.put("benchmark", "profile-view");
        json.put("rate", f.settings().rate());
        json.put("seconds", f.settings().seconds());
        json.put("profiles", f.settings().profiles());
        json.put("requests", f.requests());
        json.put("sentPerSecond", round(f.achievedRate(), 1));
        ObjectNode latency = json.putObject("latencyMillis");
        latency.put("p50", round(f.p50(), 2));
        latency.put("p95", round(f.p95(), 2));
        latency.put("p99", round(f.p99(), 2));
        latency.put("max", round(f.max(), 2));
        json.put("errors", f.errors());
        json.put("degraded", f.degraded());
        ObjectNode outcomes = json.putObject("outcomes");
        new TreeMap<>(f.outcomes()).forEach(outcomes::put);
        ObjectNode parts = json.putObject("degradedParts");
        new TreeMap<>(f.degradedParts()).forEach(parts::put);
        json.put("targetP99Millis", 25);
        json.put("cores", Runtime.getRuntime().availableProcessors());
        out.println(json);
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    private static void row(PrintStream out, String name, String value) {
        out.printf("  %-38s %12s%n", name, value);
    }
}
