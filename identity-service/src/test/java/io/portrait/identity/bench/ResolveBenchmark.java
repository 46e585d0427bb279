package io.portrait.identity.bench;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.common.testing.StatementStatistics;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.identity.v1.MutinyIdentityGrpc;
import io.portrait.proto.identity.v1.ResolveRequest;
import io.portrait.proto.identity.v1.Sighting;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real-time {@code Resolve} latency at a fixed arrival rate, against the running service over gRPC on the embedded
 * PostgreSQL. Requests are sent open-loop on a schedule and each latency is counted from the time its request was
 * due, so a slow answer cannot hide the queue behind it (no coordinated omission). The mix is what a live event
 * stream sends: returning visitors, first-time visitors, logins attaching a new device, and CRM or till records
 * without a shared key that go through probabilistic matching. Prints a table and one JSON line last; asserts
 * nothing about time. Run with
 * {@code mvn -pl identity-service -am verify -DskipITs -Dtest=ResolveBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dportrait.bench.rate=1000 -Dportrait.bench.seconds=30 -Dportrait.bench.profiles=20000}). Its name keeps
 * it out of the normal test run. With {@code -Dportrait.embedded-postgres.statement-statistics=true} it also prints
 * the statements that took the database's time during the measured run (from {@code pg_stat_statements}).
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "identity"))
class ResolveBenchmark {

    private static final String[] GIVEN = {"wei", "fang", "min", "jing", "lei", "yan", "jun", "hui", "xiu", "li"};
    private static final String[] SURNAMES = {"wang", "li", "zhang", "liu", "chen", "yang", "zhao", "huang", "zhou",
            "wu", "xu", "sun", "ma", "zhu", "hu", "guo", "he", "lin", "luo", "gao"};

    private enum Kind { RETURNING, NEW_VISITOR, LOGIN_NEW_DEVICE, CRM_RECORD }

    @GrpcClient("identity")
    MutinyIdentityGrpc.MutinyIdentityStub identity;

    private final String workspace = "bench-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void resolvesAtAFixedRate() throws Exception {
        int rate = Integer.getInteger("portrait.bench.rate", 1000);
        int seconds = Integer.getInteger("portrait.bench.seconds", 30);
        int profiles = Integer.getInteger("portrait.bench.profiles", 20_000);

        System.out.printf("Loading %,d profiles ...%n", profiles);
        for (int from = 0; from < profiles; from += 500) {
            ResolveRequest.Builder batch = ResolveRequest.newBuilder().setWorkspace(workspace);
            for (int i = from; i < Math.min(profiles, from + 500); i++) {
                batch.addSightings(sighting("load-" + i, "app", id("user_id", "u" + i), id("device_id", "d" + i),
                        id("email", "u" + i + "@bench.example")).toBuilder().setSource("crm").setTraits(person(i)));
            }
            identity.resolve(batch.build()).await().atMost(Duration.ofMinutes(2));
        }
        System.out.println("Warming up ...");
        run(rate, Math.min(5, seconds), profiles, "warm");
        System.out.printf("Measuring Resolve at %,d requests/s for %d s ...%n", rate, seconds);
        StatementStatistics.reset();
        Run measured = run(rate, seconds, profiles, "run");
        report(measured, rate, seconds, profiles);
        StatementStatistics.print(15, System.out);
        assertThat(measured.requests()).isEqualTo(rate * seconds);
    }

    private Run run(int rate, int seconds, int profiles, String phase) throws InterruptedException {
        int total = rate * seconds;
        double[] latencies = new double[total];
        Kind[] kinds = new Kind[total];
        AtomicInteger errors = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(total);
        long intervalNanos = 1_000_000_000L / rate;
        java.util.Random random = new java.util.Random(42);
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int n = i;
            int known = random.nextInt(profiles);
            double draw = random.nextDouble();
            Kind kind = draw < 0.70 ? Kind.RETURNING : draw < 0.85 ? Kind.NEW_VISITOR
                    : draw < 0.95 ? Kind.LOGIN_NEW_DEVICE : Kind.CRM_RECORD;
            kinds[n] = kind;
            String eventId = phase + "-" + i;
            Sighting sighting = switch (kind) {
                case RETURNING -> sighting(eventId, "web", id("user_id", "u" + known), id("device_id", "d" + known));
                case NEW_VISITOR -> sighting(eventId, "web", id("anonymous_id", eventId));
                case LOGIN_NEW_DEVICE -> sighting(eventId, "app", id("user_id", "u" + known),
                        id("device_id", "d-" + eventId));
                // A till sign-up of a known customer with a new card and a slightly different spelling.
                case CRM_RECORD -> sighting(eventId, "pos", id("member_card", "m-" + eventId)).toBuilder()
                        .setSource("pos").setTraits(person(known)).build();
            };
            identity.resolve(ResolveRequest.newBuilder().setWorkspace(workspace).addSightings(sighting).build())
                    .subscribe().with(
                            ok -> {
                                latencies[n] = (System.nanoTime() - due) / 1e6;
                                done.countDown();
                            },
                            failure -> {
                                latencies[n] = (System.nanoTime() - due) / 1e6;
                                errors.incrementAndGet();
                                done.countDown();
                            });
        }
        long sent = System.nanoTime();
        if (!done.await(2, TimeUnit.MINUTES)) {
            throw new IllegalStateException("answers missing after two minutes");
        }
        double[] crm = new double[total];
        int crmCount = 0;
        for (int i = 0; i < total; i++) {
            if (kinds[i] == Kind.CRM_RECORD) {
                crm[crmCount++] = latencies[i];
            }
        }
        double[] sortedCrm = Arrays.copyOf(crm, crmCount);
        Arrays.sort(sortedCrm);
        Arrays.sort(latencies);
        return new Run(total, latencies, sortedCrm, errors.get(), total / ((sent - start) / 1e9));
    }

    private record Run(int requests, double[] sortedMillis, double[] sortedCrmMillis, int errors,
                       double achievedRate) {
    }

    private static void report(Run run, int rate, int seconds, int profiles) {
        double[] all = run.sortedMillis();
        double[] crm = run.sortedCrmMillis();
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        System.out.println();
        System.out.printf("Resolve over gRPC, %,d profiles, %,d requests/s for %d s (%,d requests), load average %.1f%n",
                profiles, rate, seconds, run.requests(), load);
        row("sent (requests/s)", String.format(Locale.ROOT, "%,.0f", run.achievedRate()));
        row("p50 / p95 / p99 / max (ms)", String.format(Locale.ROOT, "%.1f / %.1f / %.1f / %.1f", percentile(all, 50),
                percentile(all, 95), percentile(all, 99), all[all.length - 1]));
        row("CRM records p50 / p99 (ms)", String.format(Locale.ROOT, "%.1f / %.1f", percentile(crm, 50),
                percentile(crm, 99)));
        row("errors", String.valueOf(run.errors()));
        System.out.println(String.format(Locale.ROOT,
                "{\"benchmark\":\"resolve\",\"rate\":%d,\"seconds\":%d,\"profiles\":%d,\"requests\":%d,"
                        + "\"sentPerSecond\":%.1f,\"latencyMillis\":{\"p50\":%.2f,\"p95\":%.2f,\"p99\":%.2f,\"max\":%.2f},"
                        + "\"crmRecordLatencyMillis\":{\"p50\":%.2f,\"p99\":%.2f},\"errors\":%d,"
                        + "\"targetP99Millis\":5,\"cores\":%d,\"loadAverage\":%.2f}",
                rate, seconds, profiles, run.requests(), run.achievedRate(), percentile(all, 50), percentile(all, 95),
                percentile(all, 99), all[all.length - 1], percentile(crm, 50), percentile(crm, 99), run.errors(),
                Runtime.getRuntime().availableProcessors(), load));
    }

    private static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static void row(String name, String value) {
        System.out.printf("  %-30s %24s%n", name, value);
    }

    /** A person of the generated base: names, birth date and postcode drawn from the index. */
    private static Struct person(int i) {
        return Struct.newBuilder()
                .putFields("given_name", text(GIVEN[i % GIVEN.length]))
                .putFields("surname", text(SURNAMES[(i / GIVEN.length) % SURNAMES.length]))
                .putFields("birthday", text(String.format(Locale.ROOT, "%04d-%02d-%02d", 1950 + i % 50,
                        1 + i / 50 % 12, 1 + i / 600 % 28)))
                .putFields("postcode", text(String.valueOf(200000 + i % 997)))
                .build();
    }

    private static Value text(String value) {
        return Value.newBuilder().setStringValue(value).build();
    }

    private static Sighting sighting(String eventId, String channel, Identifier... identifiers) {
        Instant now = Instant.now();
        return Sighting.newBuilder().setEventId(eventId).setChannel(channel)
                .setOccurredAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .addAllIdentifiers(List.of(identifiers))
                .build();
    }

    private static Identifier id(String type, String value) {
        return Identifier.newBuilder().setType(type).setValue(value).build();
    }
}
