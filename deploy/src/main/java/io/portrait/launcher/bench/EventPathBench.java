package io.portrait.launcher.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portrait.launcher.suite.GatewayClient;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The event path end to end through the gateway: how many events per second are accepted, how long until the
 * last of them is on its profile, and how long one event takes to be visible when the caller waits for it.
 */
public final class EventPathBench {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final int LATENCY_SAMPLES = 200;
    private static final Duration DRAIN_LIMIT = Duration.ofMinutes(15);

    public record Settings(int events, int batch, int senders, int customers) {
    }

    public record Figures(Settings settings, double acceptedPerSecond, double drainSeconds, double endToEndPerSecond,
                          double p50Millis, double p95Millis, double p99Millis, int rejected) {
    }

    private EventPathBench() {
    }

    public static void main(Path home, List<String> options, PrintStream out) throws Exception {
        BenchOptions parsed = BenchOptions.parse("bench", options, Set.of("--events", "--batch", "--url", "--key"));
        int events = parsed.positive("--events", 10_000);
        Settings settings = new Settings(events, parsed.positive("--batch", 500), 2, Math.max(1, events / 10));
        BenchTarget.measure(home, parsed.text("--url"), parsed.text("--key"), out, (admin, own) -> report(measure(admin, settings, out), out));
    }

    public static Figures measure(GatewayClient gateway, Settings settings, PrintStream out) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        out.printf("Warming up ...%n");
        for (int i = 0; i < 5; i++) {
            gateway.postEvents(List.of(event(run + "-warm-" + i, "warm-" + i, i)), true);
        }

        out.printf("Sending %,d events in batches of %,d from %d senders ...%n",
                settings.events(), settings.batch(), settings.senders());
        List<List<ObjectNode>> batches = new ArrayList<>();
        for (int from = 0; from < settings.events(); from += settings.batch()) {
            List<ObjectNode> batch = new ArrayList<>();
            for (int i = from; i < Math.min(settings.events(), from + settings.batch()); i++) {
                batch.add(event(run + "-" + i, "c" + (i % settings.customers()), i));
            }
            batches.add(batch);
        }
        AtomicInteger next = new AtomicInteger();
        AtomicInteger rejected = new AtomicInteger();
        long started = System.nanoTime();
        ExecutorService senders = Executors.newFixedThreadPool(settings.senders());
        List<Future<?>> done = new ArrayList<>();
        for (int s = 0; s < settings.senders(); s++) {
            done.add(senders.submit(() -> {
                for (int b = next.getAndIncrement(); b < batches.size(); b = next.getAndIncrement()) {
                    GatewayClient.Answer answer = gateway.postEvents(batches.get(b), false);
                    if (answer.status() != 200) {
                        rejected.addAndGet(answer.body() == null ? batches.get(b).size() : answer.body().path("rejected").size());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        senders.shutdown();
        long accepted = System.nanoTime();

        // Resolution runs oldest first, so once a sentinel sent last is on its profile, everything before it is too.
        // Re-sending it is idempotent, so keep waiting on it for as long as the backlog takes.
        ObjectNode sentinel = event(run + "-sentinel", "sentinel", 0);
        long giveUp = System.nanoTime() + DRAIN_LIMIT.toNanos();
        while (!gateway.postEvents(List.of(sentinel), true).body().path("applied").asBoolean()) {
            if (System.nanoTime() > giveUp) {
                throw new IllegalStateException("the backlog was not on profiles after " + DRAIN_LIMIT.toMinutes() + " minutes");
            }
        }
        long drained = System.nanoTime();

        out.printf("Measuring %d single events sent with wait=true ...%n", LATENCY_SAMPLES);
        double[] latencies = new double[LATENCY_SAMPLES];
        for (int i = 0; i < LATENCY_SAMPLES; i++) {
            long t0 = System.nanoTime();
            GatewayClient.Answer answer = gateway.postEvents(List.of(event(run + "-rt-" + i, "rt-" + (i % 50), i)), true);
            latencies[i] = (System.nanoTime() - t0) / 1e6;
            if (!answer.body().path("applied").asBoolean()) {
                throw new IllegalStateException("event not applied: " + answer.body());
            }
        }
        Arrays.sort(latencies);
        double acceptSeconds = (accepted - started) / 1e9;
        return new Figures(settings,
                settings.events() / acceptSeconds,
                (drained - accepted) / 1e9,
                settings.events() / ((drained - started) / 1e9),
                percentile(latencies, 50), percentile(latencies, 95), percentile(latencies, 99),
                rejected.get());
    }

    static ObjectNode event(String messageId, String customer, int i) {
        ObjectNode event = JSON.objectNode();
        event.put("messageId", "bench-" + messageId);
        event.put("type", "track");
        event.put("event", "Product Viewed");
        event.put("channel", i % 2 == 0 ? "web" : "app");
        event.put("timestamp", Instant.now().toString());
        ObjectNode ids = event.putObject("identifiers");
        ids.put("user_id", "bench-" + customer);
        if (i % 3 == 0) {
            ids.put("email", "bench-" + customer + "@example.com");
        }
        event.putObject("properties").put("sku", "SKU-" + (i % 500));
        return event;
    }

    static double percentile(double[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    static void report(Figures f, PrintStream out) {
        out.println();
        out.printf("Event path: %,d events over %,d customers, batches of %,d, %d senders%n",
                f.settings().events(), f.settings().customers(), f.settings().batch(), f.settings().senders());
        row(out, "accepted (events/s)", f.acceptedPerSecond(), "%,.0f");
        row(out, "drain after last accept (s)", f.drainSeconds(), "%.2f");
        row(out, "end to end, on profiles (events/s)", f.endToEndPerSecond(), "%,.0f");
        row(out, "one event, wait=true, p50 (ms)", f.p50Millis(), "%.1f");
        row(out, "one event, wait=true, p95 (ms)", f.p95Millis(), "%.1f");
        row(out, "one event, wait=true, p99 (ms)", f.p99Millis(), "%.1f");
        row(out, "rejected events", f.rejected(), "%.0f");
        out.println(String.format(Locale.ROOT,
                "{\"benchmark\":\"event-path\",\"events\":%d,\"batch\":%d,\"senders\":%d,\"customers\":%d,"
                        + "\"acceptedPerSecond\":%.1f,\"drainSeconds\":%.3f,\"endToEndPerSecond\":%.1f,"
                        + "\"waitLatencyMillis\":{\"p50\":%.1f,\"p95\":%.1f,\"p99\":%.1f},\"rejected\":%d,"
                        + "\"machine\":{\"cores\":%d,\"memoryGiB\":%.1f,\"os\":\"%s\",\"java\":\"%s\"}}",
                f.settings().events(), f.settings().batch(), f.settings().senders(), f.settings().customers(),
                f.acceptedPerSecond(), f.drainSeconds(), f.endToEndPerSecond(), f.p50Millis(), f.p95Millis(),
                f.p99Millis(), f.rejected(), Runtime.getRuntime().availableProcessors(), memoryGiB(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                System.getProperty("java.version")));
    }

    private static void row(PrintStream out, String name, double value, String format) {
        out.printf("  %-38s %12s%n", name, String.format(Locale.ROOT, format, value));
    }

    private static double memoryGiB() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize() / (1024.0 * 1024 * 1024);
        }
        return 0;
    }
}
