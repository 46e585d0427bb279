package io.portrait.ingestion.repository;

import com.google.protobuf.ByteString;
import io.portrait.common.testing.MongoTestResource;
import io.portrait.ingestion.domain.OutboxEntry;
import io.portrait.ingestion.domain.OutboxKind;
import io.portrait.ingestion.domain.OutboxPosition;
import io.portrait.ingestion.domain.StoredEvent;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Claims of the resolve queue and the outbox by several workers at once: each entry is won by exactly one of them,
 * a live lease keeps the others off, and a claim made from what another claim has since changed wins nothing.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
@TestProfile(ClaimsTest.QuietWorkers.class)
class ClaimsTest {

    private static final Duration CALL = Duration.ofSeconds(30);
    private static final Duration LEASE = Duration.ofSeconds(30);

    /** The service's own workers look for work once an hour, so only the test claims. */
    public static class QuietWorkers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("portrait.ingestion.poll-interval", "1h", "portrait.ingestion.max-poll-interval", "1h");
        }
    }

    @Inject
    ResolveQueue queue;

    @Inject
    OutboxRepository outbox;

    @Test
    void concurrentQueueClaimsShareTheEventsWithoutOverlap() {
        String workspace = "claims-" + UUID.randomUUID();
        List<StoredEvent.Ref> refs = IntStream.range(0, 60)
                .mapToObj(i -> new StoredEvent.Ref(workspace + "-e" + i, workspace, 1_000_000L + i)).toList();
        queue.enqueue(refs).await().atMost(CALL);
        queue.enqueue(refs.subList(0, 10)).await().atMost(CALL);

        List<List<String>> won = Uni.join().all(IntStream.range(0, 3)
                        .mapToObj(i -> queue.claim(60, LEASE, "worker-" + i)).toList())
                .andFailFast().await().atMost(CALL);

        Set<String> all = new HashSet<>();
        int total = 0;
        for (List<String> ids : won) {
            all.addAll(ids);
            total += ids.size();
        }
        Set<String> expected = new HashSet<>(refs.stream().map(StoredEvent.Ref::eventId).toList());
        assertThat(total).as("no event won twice").isEqualTo(all.size());
        assertThat(all).as("queued once, claimed once").containsAll(expected);
        assertThat(queue.claim(60, LEASE, "late").await().atMost(CALL)).as("all held by live leases")
                .doesNotContainAnyElementsOf(expected);

        queue.release("worker-0").await().atMost(CALL);
        List<String> again = queue.claim(60, LEASE, "after-release").await().atMost(CALL);
        assertThat(again).containsExactlyInAnyOrderElementsOf(
                won.get(0).stream().filter(expected::contains).toList());

        queue.remove(expected).await().atMost(CALL);
        queue.release("after-release").await().atMost(CALL);
        assertThat(queue.claim(60, LEASE, "after-remove").await().atMost(CALL))
                .doesNotContainAnyElementsOf(expected);
    }

    @Test
    void concurrentOutboxClaimsShareTheEntriesWithoutOverlap() {
        String sink = "claims-" + UUID.randomUUID();
        List<OutboxEntry> entries = entries(sink, 40);
        outbox.insert(entries).await().atMost(CALL);
        // Every worker read the same due entries before any of them claimed.
        List<List<OutboxRepository.Pending>> reads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            reads.add(outbox.findDue(sink, 100).await().atMost(CALL));
        }
        assertThat(reads.get(0)).hasSize(40);

        List<List<OutboxEntry>> won = Uni.join().all(IntStream.range(0, 3)
                        .mapToObj(i -> outbox.claim(reads.get(i), "relay-" + i, LEASE)).toList())
                .andFailFast().await().atMost(CALL);

        Set<String> all = new HashSet<>();
        int total = 0;
        for (List<OutboxEntry> claimed : won) {
            claimed.forEach(e -> all.add(e.id()));
            total += claimed.size();
            assertThat(claimed).allSatisfy(e -> assertThat(e.payload()).isNotNull());
        }
        assertThat(total).as("no entry won twice").isEqualTo(all.size());
        assertThat(all).hasSize(40);
        assertThat(outbox.findDue(sink, 100).await().atMost(CALL)).as("all held by live leases").isEmpty();
        assertThat(outbox.claim(reads.get(0), "stale", LEASE).await().atMost(CALL))
                .as("a claim from a read made before the leases wins nothing").isEmpty();

        int given = won.get(1).size();
        outbox.release("relay-1", won.get(1), Instant.now()).await().atMost(CALL);
        List<OutboxRepository.Pending> due = outbox.findDue(sink, 100).await().atMost(CALL);
        assertThat(due).hasSize(given);
        assertThat(outbox.claim(due, "after-release", LEASE).await().atMost(CALL)).hasSize(given);
        outbox.markDelivered(entries).await().atMost(CALL);
    }

    private static List<OutboxEntry> entries(String sink, int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> new OutboxEntry(OutboxEntry.id(sink, OutboxKind.EVENT, "e" + i), sink, "w",
                        new OutboxPosition(i + 1, 0), OutboxKind.EVENT, List.of("p" + (i % 7)),
                        ByteString.copyFromUtf8("event " + i), 0))
                .toList();
    }
}
