package io.portrait.ingestion.service;

import com.google.protobuf.Timestamp;
import io.portrait.ingestion.config.IngestionConfig;
import io.portrait.ingestion.domain.Quarantined;
import io.portrait.ingestion.repository.QuarantineRepository;
import io.portrait.proto.ingestion.v1.ListQuarantinedEventsRequest;
import io.portrait.proto.ingestion.v1.ListQuarantinedEventsResponse;
import io.portrait.proto.ingestion.v1.QuarantinedEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/** Reads the quarantine; replaying is ingestion's own path (see {@link IngestService#replay}). */
@ApplicationScoped
public class QuarantineService {

    private final QuarantineRepository quarantine;
    private final IngestionConfig config;

    public QuarantineService(QuarantineRepository quarantine, IngestionConfig config) {
        this.quarantine = quarantine;
        this.config = config;
    }

    public Uni<ListQuarantinedEventsResponse> list(ListQuarantinedEventsRequest request) {
        int size = PageTokens.pageSize(request.getPageSize(), config.lists().defaultPageSize(),
                config.lists().maxPageSize());
        String after = PageTokens.decode(request.getPageToken());
        return quarantine.list(IngestService.workspace(request.getWorkspace()), request.getSource().strip(),
                request.getCode().strip(), size + 1, after).map(found -> {
            ListQuarantinedEventsResponse.Builder response = ListQuarantinedEventsResponse.newBuilder();
            found.stream().limit(size).forEach(q -> response.addEvents(toProto(q)));
            if (found.size() > size) {
                response.setNextPageToken(PageTokens.encode(found.get(size - 1).id()));
            }
            return response.build();
        });
    }

    public Uni<QuarantinedEvent> get(String workspace, String id) {
        if (id.isBlank()) {
            throw new InvalidRequestException("id", "id is required");
        }
        return quarantine.get(IngestService.workspace(workspace), id.strip()).map(q -> toProto(q.orElseThrow(
                () -> new NotFoundException("no quarantined event '" + id.strip() + "'"))));
    }

    static QuarantinedEvent toProto(Quarantined q) {
        String source = q.event().getSource().strip();
        return QuarantinedEvent.newBuilder()
                .setId(q.id())
                .setSource(source.isEmpty() ? "default" : source)
                .setMessageId(q.event().getMessageId())
                .setEvent(q.event())
                .addAllErrors(q.errors())
                .setReceivedAt(timestamp(q.receivedAt()))
                .setAttempts(q.attempts())
                .setLastAttemptAt(timestamp(q.lastAttemptAt()))
                .build();
    }

    static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
