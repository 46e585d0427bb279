package io.portrait.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portrait.launcher.suite.GatewayClient;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * {@code ./portrait bench export}: how fast an audience leaves Portrait. Loads N customers (a user id and an email,
 * a name and a city, one {@code Product Viewed} each), a real-time metric tag counting their views and a segment of
 * everyone holding it, then downloads the segment's CSV export twice: membership alone, and with the columns a
 * sending tool asks for (both identifiers, both traits, the tag), three times each once every service has applied
 * the load. Prints rows, bytes, seconds and rows per second of each download.
 */
public final class ExportBench {

    public record Settings(int members) {
    }

    /** One timed download: the rows after the header, its size and how long it took. */
    public record Download(String columns, long rows, long bytes, double seconds) {
        double rowsPerSecond() {
            return rows / seconds;
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int BATCH = 500;
    /** Each export is downloaded this many times, one after the other; the first includes warming up. */
    private static final int ROUNDS = 3;
    private static final String ENRICHED = "identifiers=user_id,email&traits=name,city&tags=%s";

    private ExportBench() {
    }

    public static void main(Path home, List<String> options, PrintStream out) throws Exception {
        BenchOptions parsed = BenchOptions.parse("bench export", options, Set.of("--members", "--url", "--key"));
        Settings settings = new Settings(parsed.positive("--members", 20_000));
        BenchTarget.measure(home, parsed.text("--url"), parsed.text("--key"), out, (admin, own) -> report(settings, measure(admin, settings, out), out));
    }

    /** Loads the audience (a run of its own: its tag and segment codes are new) and times both downloads. */
    public static List<Download> measure(GatewayClient admin, Settings settings, PrintStream out) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String tag = "bench_views_" + run;
        String segment = "bench_audience_" + run;
        expect(admin.post("/v1/tags/categories", json("{\"code\": \"bench_" + run + "\", \"name\": \"Bench " + run
                + "\"}")), 201, "creating the tag's category");
        expect(admin.post("/v1/tags", json("{\"code\": \"" + tag + "\", \"name\": \"Views (" + run + ")\","
                + " \"owner\": \"bench\", \"category\": \"bench_" + run + "\", \"spec\": {\"kind\": \"metric\","
                + " \"metric\": \"count(\\\"Product Viewed\\\")\"}}")), 201, "creating the tag");
        // Published before the load, so the tag is kept current as the events are applied.
        expect(admin.post("/v1/tags/" + tag + "/publish"), 202, "publishing the tag");
        awaitJobs(admin, tag);

        out.printf("Loading %,d customers ...%n", settings.members());
        long started = System.nanoTime();
        for (int from = 0; from < settings.members(); from += BATCH) {
            List<ObjectNode> events = new ArrayList<>();
            for (int i = from; i < Math.min(settings.members(), from + BATCH); i++) {
                events.add(customer(run, i));
            }
            GatewayClient.Answer answer = admin.postEvents(events, false);
            if (answer.status() != 200 && answer.status() != 202) {
                throw new IllegalStateException("loading customers: the gateway answered " + answer.status() + ": "
                        + answer.body());
            }
        }
        // Timed on a quiet suite: every service has applied the load (recommendation takes longest).
        long behind = admin.awaitDelivered(Duration.ofMinutes(30));
        out.printf("  accepted, resolved and applied by every service in %.1f s%s%n", (System.nanoTime() - started) / 1e9,
                behind == 0 ? "" : " (" + behind + " entries still on their way after 30 minutes)");

        GatewayClient.Answer created = admin.post("/v1/segments", json("{\"code\": \"" + segment + "\", \"name\":"
                + " \"Bench audience " + run + "\", \"rule\": \"tag." + tag + " >= 1\"}"));
        expect(created, 201, "creating the segment");
        out.printf("  segment %s: %,d members%n", segment, created.body().path("members").asLong());

        String path = "/v1/segments/" + segment + "/members.csv";
        List<Download> downloads = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            downloads.add(download(admin, "membership", path, out));
            downloads.add(download(admin, "user_id, email, name, city, tag", path + "?" + ENRICHED.formatted(tag),
                    out));
        }
        return downloads;
    }

    private static Download download(GatewayClient admin, String columns, String path, PrintStream out) {
        out.printf("Exporting (%s) ...%n", columns);
        long started = System.nanoTime();
        GatewayClient.Lines lines = admin.lines(path);
        double seconds = (System.nanoTime() - started) / 1e9;
        if (lines.status() != 200) {
            throw new IllegalStateException("the export answered " + lines.status());
        }
        return new Download(columns, lines.lines() - 1, lines.bytes(), seconds);
    }

    /** A customer as one event: identifiers, traits and the view the tag counts. */
    static ObjectNode customer(String run, int i) {
        ObjectNode event = MAPPER.createObjectNode();
        event.put("messageId", "bench-export-" + run + "-" + i);
        event.put("type", "track");
        event.put("event", "Product Viewed");
        event.put("channel", i % 2 == 0 ? "web" : "app");
        event.put("timestamp", Instant.now().toString());
        ObjectNode ids = event.putObject("identifiers");
        ids.put("user_id", "bench-" + run + "-" + i);
        ids.put("email", "bench-" + run + "-" + i + "@example.com");
        ObjectNode traits = event.putObject("traits");
        traits.put("name", "Customer " + i);
        traits.put("city", i % 3 == 0 ? "Shanghai" : i % 3 == 1 ? "Hangzhou" : "Beijing");
        event.putObject("properties").put("sku", "SKU-" + (i % 500));
        return event;
    }

    private static void awaitJobs(GatewayClient admin, String tag) {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode definition = admin.get("/v1/tags/" + tag).body();
            if (definition.path("definition").path("liveVersion").asInt() == 1) {
                return;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("tag " + tag + " was not live after 5 minutes");
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void expect(GatewayClient.Answer answer, int status, String what) {
        if (answer.status() != status) {
            throw new IllegalStateException(what + ": the gateway answered " + answer.status() + ": " + answer.body());
        }
    }

    static void report(Settings settings, List<Download> downloads, PrintStream out) {
        out.println();
        out.printf("Audience export: GET /v1/segments/{code}/members.csv of %,d members%n", settings.members());
        out.printf("  %-34s %10s %12s %10s %10s%n", "columns", "rows", "bytes", "seconds", "rows/s");
        for (Download d : downloads) {
            out.printf(Locale.ROOT, "  %-34s %,10d %,12d %10.2f %,10.0f%n", d.columns(), d.rows(), d.bytes(),
                    d.seconds(), d.rowsPerSecond());
        }
        ObjectNode json = MAPPER.createObjectNode();
        json.put("benchmark", "audience-export");
        json.put("members", settings.members());
        var runs = json.putArray("exports");
        for (Download d : downloads) {
            runs.addObject().put("columns", d.columns()).put("rows", d.rows()).put("bytes", d.bytes())
                    .put("seconds", Math.round(d.seconds() * 100) / 100.0)
                    .put("rowsPerSecond", Math.round(d.rowsPerSecond()));
        }
        json.put("cores", Runtime.getRuntime().availableProcessors());
        out.println(json);
    }
}
