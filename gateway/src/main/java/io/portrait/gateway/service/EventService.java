package io.portrait.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portrait.gateway.client.IngestionClient;
import io.portrait.gateway.config.GatewayConfig;
import io.portrait.gateway.domain.AcceptedEvent;
import io.portrait.gateway.domain.EventBatchResult;
import io.portrait.gateway.domain.FieldError;
import io.portrait.gateway.domain.RejectedEvent;
import io.portrait.gateway.engine.EventBatchReader;
import io.portrait.gateway.engine.ReadEvent;
import io.portrait.gateway.engine.TranslatedEvent;
import io.portrait.proto.ingestion.v1.Acceptance;
import io.portrait.proto.ingestion.v1.IngestEventsRequest;
import io.portrait.proto.ingestion.v1.IngestEventsResponse;
import io.portrait.proto.ingestion.v1.Rejection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Takes a batch from a front end: reads it, hands the well-shaped events to ingestion in one call, and merges
 * both verdicts back into the positions of the original batch.
 */
@ApplicationScoped
public class EventService {

    private final IngestionClient ingestion;
    private final EventBatchReader reader;

    public EventService(IngestionClient ingestion, ObjectMapper mapper, GatewayConfig config) {
        this.ingestion = ingestion;
        this.reader = new EventBatchReader(mapper, config.maxBatchEvents(), config.maxEventBytes());
    }

    public Uni<EventBatchResult> collect(String workspace, byte[] body, boolean waitUntilApplied) {
        return collect(workspace, reader.read(body), waitUntilApplied);
    }

    /** The body as JSON, or why it is not; for front ends that take another shape (see {@link #collectTranslated}). */
    public JsonNode parse(byte[] body, String expected) {
        return reader.parse(body, expected);
    }

    /**
     * Events another front end translated from its own shape, by position in its batch: each is read, limited and
     * checked exactly as an event of {@code POST /v1/events}, and one it refused is rejected at its position with
     * its reasons, so such a front end answers in the same terms and never accepts what this one would refuse.
     */
    public Uni<EventBatchResult> collectTranslated(String workspace, List<TranslatedEvent> events) {
        List<ReadEvent> read = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            TranslatedEvent event = events.get(i);
            read.add(event.translated() ? reader.read(i, event.event())
                    : new ReadEvent(i, event.messageId(), null, event.refusals()));
        }
        return collect(workspace, read, false);
    }

    private Uni<EventBatchResult> collect(String workspace, List<ReadEvent> read, boolean waitUntilApplied) {
        List<RejectedEvent> rejected = new ArrayList<>();
        List<ReadEvent> readable = new ArrayList<>();
        for (ReadEvent event : read) {
            if (event.readable()) {
                readable.add(event);
            } else {
                rejected.add(new RejectedEvent(event.index(), event.messageId(), event.errors()));
            }
        }
        if (readable.isEmpty()) {
            return Uni.createFrom().item(new EventBatchResult(0, rejected, List.of(), waitUntilApplied ? false : null));
        }
        IngestEventsRequest.Builder request = IngestEventsRequest.newBuilder()
                .setWorkspace(workspace)
                .setWaitUntilApplied(waitUntilApplied);
        readable.forEach(event -> request.addEvents(event.event()));
        return ingestion.ingest(request.build())
                .map(response -> merge(readable, rejected, response, waitUntilApplied));
    }

    /** Ingestion numbers events within what it was sent; map those positions back onto the caller's batch. */
    private static EventBatchResult merge(List<ReadEvent> sent, List<RejectedEvent> rejected,
                                          IngestEventsResponse response, boolean waited) {
        List<AcceptedEvent> accepted = new ArrayList<>();
        for (Acceptance a : response.getAcceptedList()) {
            ReadEvent original = sent.get(a.getIndex());
            accepted.add(new AcceptedEvent(original.index(), a.getMessageId(), a.getEventId(), a.getDuplicate(),
                    a.getProfileId().isEmpty() ? null : a.getProfileId()));
        }
        for (Rejection r : response.getRejectedList()) {
            ReadEvent original = sent.get(r.getIndex());
            List<FieldError> errors = r.getErrorsList().stream()
                    .map(e -> new FieldError(e.getField(), e.getCode(), e.getMessage()))
                    .toList();
            rejected.add(new RejectedEvent(original.index(), original.messageId(), errors));
        }
        rejected.sort(Comparator.comparingInt(RejectedEvent::index));
        accepted.sort(Comparator.comparingInt(AcceptedEvent::index));
        return new EventBatchResult(accepted.size(), List.copyOf(rejected), List.copyOf(accepted),
                waited ? response.getApplied() : null);
    }
}
