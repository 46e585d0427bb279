package io.portrait.identity.replicas;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.portrait.common.embedded.EmbeddedPostgresServer;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.identity.v1.GetProfileRequest;
import io.portrait.proto.identity.v1.IdentityGrpc;
import io.portrait.proto.identity.v1.IdentityGrpc.IdentityBlockingStub;
import io.portrait.proto.identity.v1.LookupProfileRequest;
import io.portrait.proto.identity.v1.Profile;
import io.portrait.proto.identity.v1.Resolution;
import io.portrait.proto.identity.v1.ResolveRequest;
import io.portrait.proto.identity.v1.Sighting;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two running instances of the packaged service on one PostgreSQL, as two replicas behind a Kubernetes Service:
 * concurrent resolutions with overlapping identifiers, spread over both, must end with exactly one live profile
 * per connected set of identifiers. Nothing is shared between the replicas but the database.
 */
class TwoReplicasIT {

    private static final int COMPONENTS = 30;
    private static final int SIGHTINGS_PER_COMPONENT = 8;
    private static final int STREAMS = 8;
    private static final int BATCH = 4;
    // Types whose default rules allow a whole chain on one profile (user ids are unique, so not used here).
    private static final List<String> TYPES = List.of("anonymous_id", "device_id", "email");
    private static final String HASH_KEY = "cG9ydHJhaXQtaWRlbnRpdHktVEVTVC1oYXNoLWtleSE=";
    private static final String ENCRYPTION_KEY = "cG9ydHJhaXQtaWRlbnRpdHktVEVTVC1lbmMta2V5ISE=";

    private static EmbeddedPostgresServer postgres;
    private static final List<Process> replicas = new ArrayList<>();
    private static final List<ManagedChannel> channels = new ArrayList<>();
    private static final List<IdentityBlockingStub> stubs = new ArrayList<>();

    @BeforeAll
    static void startTwoReplicas() throws Exception {
        postgres = EmbeddedPostgresServer.startEphemeral();
        postgres.ensureDatabase("identity");
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertThat(jar).as("packaged application").exists();
        List<Integer> ports = List.of(freePort(), freePort());
        for (int i = 0; i < ports.size(); i++) {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m",
                    "-Dquarkus.http.port=" + ports.get(i),
                    "-Dportrait.pii.hash-key=" + HASH_KEY,
                    "-Dportrait.pii.encryption-key=" + ENCRYPTION_KEY,
                    "-Dquarkus.datasource.reactive.max-size=8"));
            postgres.quarkusConfig("identity").forEach((key, value) -> command.add("-D" + key + "=" + value));
            command.addAll(List.of("-jar", jar.toString()));
            Path log = Path.of("target", "replica-" + i + ".log");
            replicas.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start());
        }
        for (int port : ports) {
            awaitReady(port);
            ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
            channels.add(channel);
            stubs.add(IdentityGrpc.newBlockingStub(channel));
        }
    }

    @AfterAll
    static void stopReplicas() throws Exception {
        channels.forEach(ManagedChannel::shutdownNow);
        for (Process replica : replicas) {
            replica.destroy();
            if (!replica.waitFor(30, TimeUnit.SECONDS)) {
                replica.destroyForcibly();
            }
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void concurrentResolutionsOnTwoReplicasEndAsOneProfilePerPerson() throws Exception {
        String workspace = "replicas-" + UUID.randomUUID();
        Random random = new Random(20250310);
        List<Sighting> all = new ArrayList<>();
        Map<String, Integer> componentOfEvent = new HashMap<>();
        // Component k is a chain: sighting j carries identifiers j and j+1, so whatever order the sightings
        // arrive in, on whichever replica, their profiles must collapse into one.
        for (int k = 0; k < COMPONENTS; k++) {
            for (int j = 0; j < SIGHTINGS_PER_COMPONENT; j++) {
                String eventId = "c" + k + "-e" + j;
                componentOfEvent.put(eventId, k);
                all.add(Sighting.newBuilder().setEventId(eventId).setChannel("web")
                        .addIdentifiers(identifier(k, j)).addIdentifiers(identifier(k, j + 1)).build());
            }
        }
        // Some events are delivered twice, possibly to the other replica: they must still count once.
        List<Sighting> deliveries = new ArrayList<>(all);
        all.stream().filter(s -> s.getEventId().endsWith("e2") || s.getEventId().endsWith("e5")).forEach(deliveries::add);
        Collections.shuffle(deliveries, random);

        List<Resolution> resolutions = Collections.synchronizedList(new ArrayList<>());
        ExecutorService executor = Executors.newFixedThreadPool(STREAMS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int s = 0; s < STREAMS; s++) {
                int stream = s;
                running.add(executor.submit(() -> {
                    int batchNumber = 0;
                    List<Sighting> mine = new ArrayList<>();
                    for (int i = stream; i < deliveries.size(); i += STREAMS) {
                        mine.add(deliveries.get(i));
                    }
                    for (int from = 0; from < mine.size(); from += BATCH) {
                        // Alternate replicas per batch, so every stream races against both.
                        IdentityBlockingStub replica = stubs.get((stream + batchNumber++) % stubs.size());
                        resolutions.addAll(replica.withDeadlineAfter(120, TimeUnit.SECONDS)
                                .resolve(ResolveRequest.newBuilder().setWorkspace(workspace)
                                        .addAllSightings(mine.subList(from, Math.min(from + BATCH, mine.size())))
                                        .build())
                                .getResolutionsList());
                    }
                    return null;
                }));
            }
            for (Future<?> future : running) {
                future.get(10, TimeUnit.MINUTES);
            }
        } finally {
            executor.shutdownNow();
        }
        assertThat(resolutions).hasSize(deliveries.size());

        Set<String> survivors = new HashSet<>();
        for (int k = 0; k < COMPONENTS; k++) {
            Set<String> holders = new HashSet<>();
            for (int n = 0; n <= SIGHTINGS_PER_COMPONENT; n++) {
                for (IdentityBlockingStub replica : stubs) {
                    holders.add(replica.lookupProfile(LookupProfileRequest.newBuilder().setWorkspace(workspace)
                            .setIdentifier(identifier(k, n)).build()).getProfile().getProfileId());
                }
            }
            assertThat(holders).as("profiles holding component %d, asked on both replicas", k).hasSize(1);
            String survivor = holders.iterator().next();
            survivors.add(survivor);
            Profile profile = stubs.get(k % 2).getProfile(GetProfileRequest.newBuilder().setWorkspace(workspace)
                    .setProfileId(survivor).build()).getProfile();
            assertThat(profile.getIdentifiersList()).hasSize(SIGHTINGS_PER_COMPONENT + 1);
            assertThat(profile.getEventCount()).isEqualTo(SIGHTINGS_PER_COMPONENT);
            // Whatever profile any event of the component landed on answers with the survivor, on both replicas.
            int component = k;
            for (String landed : resolutions.stream().filter(r -> componentOfEvent.get(r.getEventId()) == component)
                    .map(Resolution::getProfileId).distinct().toList()) {
                for (IdentityBlockingStub replica : stubs) {
                    assertThat(replica.getProfile(GetProfileRequest.newBuilder().setWorkspace(workspace)
                            .setProfileId(landed).build()).getProfile().getProfileId()).isEqualTo(survivor);
                }
            }
        }
        assertThat(survivors).hasSize(COMPONENTS);

        try (Connection db = DriverManager.getConnection(postgres.jdbcUrl("identity"),
                EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD)) {
            assertThat(count(db, "select count(*) from profile where workspace = ? and merged_into is null", workspace))
                    .isEqualTo(COMPONENTS);
            assertThat(count(db, "select count(*) from identifier where workspace = ?", workspace))
                    .isEqualTo((long) COMPONENTS * (SIGHTINGS_PER_COMPONENT + 1));
            assertThat(count(db, "select count(*) from resolved_event where workspace = ?", workspace))
                    .isEqualTo((long) COMPONENTS * SIGHTINGS_PER_COMPONENT);
            assertThat(count(db, "select sum(event_count) from profile where workspace = ? and merged_into is null",
                    workspace)).isEqualTo((long) COMPONENTS * SIGHTINGS_PER_COMPONENT);
            assertThat(count(db, """
                    select count(*) from identifier i join profile p on p.id = i.profile_id
                    where i.workspace = ? and p.merged_into is not null""", workspace)).isZero();
        }
    }

    private static Identifier identifier(int component, int n) {
        String type = TYPES.get(n % TYPES.size());
        String value = "c" + component + "-n" + n + (type.equals("email") ? "@example.com" : "");
        return Identifier.newBuilder().setType(type).setValue(value).build();
    }

    private static long count(Connection db, String sql, String workspace) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            statement.setString(1, workspace);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Polls readiness (which checks the database) until the replica answers UP, or fails after two minutes. */
    private static void awaitReady(int port) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            for (Process replica : replicas) {
                if (!replica.isAlive()) {
                    throw new IllegalStateException("a replica exited; see target/replica-*.log");
                }
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("replica on port " + port + " not ready within two minutes; see "
                + Files.list(Path.of("target")).filter(p -> p.getFileName().toString().startsWith("replica-")).toList());
    }
}
