package io.portrait.ingestion.service;

import com.google.protobuf.Timestamp;
import io.portrait.ingestion.config.IngestionConfig;
import io.portrait.ingestion.repository.OutboxRepository;
import io.portrait.ingestion.repository.ResolveQueue;
import io.portrait.proto.ingestion.v1.GetDeliveryStatusRequest;
import io.portrait.proto.ingestion.v1.GetDeliveryStatusResponse;
import io.portrait.proto.ingestion.v1.SinkBacklog;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * How far delivery is behind for a workspace: events accepted and not yet resolved, and per sink the entries it has
 * not applied yet. Everything counted here is held durably; zero everywhere means every accepted event is on its
 * profile in every service.
 */
@ApplicationScoped
public class DeliveryStatusService {

    private final ResolveQueue resolveQueue;
    private final OutboxRepository outbox;
    private final IngestionConfig config;

    public DeliveryStatusService(ResolveQueue resolveQueue, OutboxRepository outbox, IngestionConfig config) {
        this.resolveQueue = resolveQueue;
        this.outbox = outbox;
        this.config = config;
    }

    public Uni<GetDeliveryStatusResponse> status(GetDeliveryStatusRequest request) {
        String workspace = IngestService.workspace(request.getWorkspace());
        // Resolve first: an event leaves the resolve queue only after its outbox entries are written, so counting in
        // this order never misses an event that moves from one to the other meanwhile.
        return resolveQueue.count(workspace).flatMap(resolving -> Multi.createFrom().iterable(config.sinks())
                .onItem().transformToUniAndConcatenate(sink -> outbox.backlog(workspace, sink))
                .map(DeliveryStatusService::toProto)
                .collect().asList()
                .map(sinks -> GetDeliveryStatusResponse.newBuilder().setResolving(resolving).addAllSinks(sinks).build()));
    }

    private static SinkBacklog toProto(OutboxRepository.Backlog backlog) {
        SinkBacklog.Builder sink = SinkBacklog.newBuilder().setSink(backlog.sink()).setPending(backlog.pending())
                .setDead(backlog.dead());
        if (backlog.oldestPendingSince() != null) {
            sink.setOldestPendingSince(Timestamp.newBuilder().setSeconds(backlog.oldestPendingSince().getEpochSecond())
                    .setNanos(backlog.oldestPendingSince().getNano()));
        }
        return sink.build();
    }
}
