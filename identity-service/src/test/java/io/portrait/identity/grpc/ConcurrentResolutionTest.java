package io.portrait.identity.grpc;

import com.google.protobuf.Timestamp;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.identity.v1.GetProfileRequest;
import io.portrait.proto.identity.v1.IdentityGrpc;
import io.portrait.proto.identity.v1.LookupProfileRequest;
import io.portrait.proto.identity.v1.Profile;
import io.portrait.proto.identity.v1.ProfileMerge;
import io.portrait.proto.identity.v1.Resolution;
import io.portrait.proto.identity.v1.ResolveRequest;
import io.portrait.proto.identity.v1.Sighting;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many resolvers racing on overlapping identifiers must still end with exactly one live profile per connected
 * component of the identifier graph, holding every identifier and every event of that component.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "identity"))
class ConcurrentResolutionTest {

    private static final int COMPONENTS = 25;
    private static final int SIGHTINGS_PER_COMPONENT = 8;
    private static final int STREAMS = 8;
    private static final int BATCH = 5;
    private static final List<String> TYPES = List.of("anonymous_id", "device_id", "email");
    private static final List<String> CHANNELS = List.of("web", "app", "pos", "crm");
    private static final Instant START = Instant.parse("2024-06-01T00:00:00Z");

    @GrpcClient("identity")
    IdentityGrpc.IdentityBlockingStub identity;

    @Inject
    Pool pool;

    private final String workspace = "race-" + UUID.randomUUID();

    @Test
    void concurrentChainsEndAsOneLiveProfilePerComponent() throws Exception {
        // Component k is a chain: sighting j carries identifiers j and j+1, so the profiles created by the
        // sightings of one component must all collapse into one, whatever order they arrive in.
        Random random = new Random(20240601);
        List<Sighting> all = new ArrayList<>();
        Map<String, Integer> componentOfEvent = new HashMap<>();
        for (int k = 0; k < COMPONENTS; k++) {
            for (int j = 0; j < SIGHTINGS_PER_COMPONENT; j++) {
                String eventId = "c" + k + "-e" + j;
                componentOfEvent.put(eventId, k);
                all.add(Sighting.newBuilder()
                        .setEventId(eventId)
                        .setChannel(CHANNELS.get(random.nextInt(CHANNELS.size())))
                        .setOccurredAt(timestamp(START.plusSeconds(random.nextInt(86_400))))
                        .addIdentifiers(identifier(k, j))
                        .addIdentifiers(identifier(k, j + 1))
                        .build());
            }
        }
        // Every fourth event is delivered twice, as an at-least-once caller would: it must still count once.
        List<Sighting> deliveries = new ArrayList<>(all);
        all.stream().filter(s -> s.getEventId().endsWith("e0") || s.getEventId().endsWith("e4")).forEach(deliveries::add);
        Collections.shuffle(deliveries, random);
        List<List<Sighting>> streams = new ArrayList<>();
        for (int s = 0; s < STREAMS; s++) {
            streams.add(new ArrayList<>());
        }
        for (int i = 0; i < deliveries.size(); i++) {
            streams.get(i % STREAMS).add(deliveries.get(i));
        }

        List<Resolution> resolutions = Collections.synchronizedList(new ArrayList<>());
        ExecutorService executor = Executors.newFixedThreadPool(STREAMS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (List<Sighting> stream : streams) {
                running.add(executor.submit(() -> {
                    for (int from = 0; from < stream.size(); from += BATCH) {
                        resolutions.addAll(identity.withDeadlineAfter(60, TimeUnit.SECONDS)
                                .resolve(ResolveRequest.newBuilder()
                                        .setWorkspace(workspace)
                                        .addAllSightings(stream.subList(from, Math.min(from + BATCH, stream.size())))
                                        .build())
                                .getResolutionsList());
                    }
                }));
            }
            for (Future<?> future : running) {
                future.get(120, TimeUnit.SECONDS);
            }
        } finally {
            executor.shutdownNow();
        }
        assertThat(resolutions).hasSize(deliveries.size());
        // Every event was answered, repeated deliveries included; where they landed is checked per component below.
        Map<String, Set<String>> answersPerEvent = resolutions.stream().collect(Collectors.groupingBy(
                Resolution::getEventId, Collectors.mapping(Resolution::getProfileId, Collectors.toSet())));
        assertThat(answersPerEvent).hasSize(COMPONENTS * SIGHTINGS_PER_COMPONENT);

        Set<String> survivors = new HashSet<>();
        for (int k = 0; k < COMPONENTS; k++) {
            int component = k;
            Set<String> holders = new HashSet<>();
            for (int n = 0; n <= SIGHTINGS_PER_COMPONENT; n++) {
                holders.add(identity.lookupProfile(LookupProfileRequest.newBuilder()
                        .setWorkspace(workspace).setIdentifier(identifier(k, n)).build()).getProfile().getProfileId());
            }
            assertThat(holders).as("profiles holding component %d", k).hasSize(1);
            String survivor = holders.iterator().next();
            survivors.add(survivor);

            Profile profile = getProfile(survivor);
            List<Sighting> sightings = all.stream()
                    .filter(s -> componentOfEvent.get(s.getEventId()) == component).toList();
            assertThat(profile.getIdentifiersList()).extracting(Identifier::getValue)
                    .containsExactlyInAnyOrderElementsOf(componentValues(k));
            assertThat(profile.getEventCount()).isEqualTo(SIGHTINGS_PER_COMPONENT);
            assertThat(profile.getChannelsList()).containsExactlyElementsOf(
                    sightings.stream().map(Sighting::getChannel).collect(Collectors.toCollection(TreeSet::new)));
            assertThat(profile.getFirstSeen()).isEqualTo(
                    sightings.stream().map(Sighting::getOccurredAt).min(ConcurrentResolutionTest::compare).orElseThrow());
            assertThat(profile.getLastSeen()).isEqualTo(
                    sightings.stream().map(Sighting::getOccurredAt).max(ConcurrentResolutionTest::compare).orElseThrow());

            // Every profile any sighting of this component landed on now answers with the survivor.
            Set<String> landedOn = resolutions.stream()
                    .filter(r -> componentOfEvent.get(r.getEventId()) == component)
                    .map(Resolution::getProfileId)
                    .collect(Collectors.toSet());
            for (String id : landedOn) {
                assertThat(getProfile(id).getProfileId()).isEqualTo(survivor);
            }
            landedOn.remove(survivor);
            assertThat(profile.getMergedProfileIdsList()).containsAll(landedOn);
        }
        assertThat(survivors).hasSize(COMPONENTS);

        // Every profile ever created is either a survivor or was merged exactly once. A repeated delivery
        // answers the merges of the first one again, so merges are told apart by their id.
        long created = resolutions.stream().filter(Resolution::getNewProfile)
                .map(Resolution::getProfileId).distinct().count();
        Map<String, ProfileMerge> merges = new HashMap<>();
        for (ProfileMerge merge : resolutions.stream().flatMap(r -> r.getMergesList().stream()).toList()) {
            ProfileMerge earlier = merges.putIfAbsent(merge.getMergeId(), merge);
            if (earlier != null) {
                assertThat(merge).isEqualTo(earlier);
            }
        }
        List<String> mergedAway = merges.values().stream()
                .flatMap(merge -> merge.getMergedProfileIdsList().stream())
                .toList();
        assertThat(mergedAway).doesNotHaveDuplicates().doesNotContainAnyElementsOf(survivors);
        assertThat(created).isEqualTo(COMPONENTS + mergedAway.size());
        assertThat(count("select count(*) from profile where workspace = $1")).isEqualTo(created);
        assertThat(count("select count(*) from merge_history where workspace = $1")).isEqualTo(merges.size());

        // The stored graph keeps its invariants.
        assertThat(count("select count(*) from profile where workspace = $1 and merged_into is null"))
                .isEqualTo(COMPONENTS);
        assertThat(count("""
                select count(*) from identifier i join profile p on p.id = i.profile_id
                where i.workspace = $1 and p.merged_into is not null""")).isZero();
        assertThat(count("""
                select count(*) from profile p join profile s on s.id = p.merged_into
                where p.workspace = $1 and s.merged_into is not null""")).isZero();
        assertThat(count("select count(*) from identifier where workspace = $1"))
                .isEqualTo((long) COMPONENTS * (SIGHTINGS_PER_COMPONENT + 1));
        assertThat(count("select count(*) from resolved_event where workspace = $1"))
                .isEqualTo((long) COMPONENTS * SIGHTINGS_PER_COMPONENT);
        assertThat(count("select coalesce(sum(event_count), 0) from profile where workspace = $1 and merged_into is null"))
                .isEqualTo((long) COMPONENTS * SIGHTINGS_PER_COMPONENT);
    }

    private Profile getProfile(String id) {
        return identity.getProfile(GetProfileRequest.newBuilder().setWorkspace(workspace).setProfileId(id).build())
                .getProfile();
    }

    private long count(String sql) {
        return pool.preparedQuery(sql).execute(Tuple.of(workspace)).await().indefinitely()
                .iterator().next().getLong(0);
    }

    private static Identifier identifier(int component, int n) {
        String type = TYPES.get(n % TYPES.size());
        String value = "c" + component + "-n" + n + (type.equals("email") ? "@example.com" : "");
        return Identifier.newBuilder().setType(type).setValue(value).build();
    }

    private static List<String> componentValues(int component) {
        List<String> values = new ArrayList<>();
        for (int n = 0; n <= SIGHTINGS_PER_COMPONENT; n++) {
            values.add(identifier(component, n).getValue());
        }
        return values;
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    private static int compare(Timestamp a, Timestamp b) {
        return a.getSeconds() != b.getSeconds()
                ? Long.compare(a.getSeconds(), b.getSeconds())
                : Integer.compare(a.getNanos(), b.getNanos());
    }
}
