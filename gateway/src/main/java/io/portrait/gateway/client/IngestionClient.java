package io.portrait.gateway.client;

import io.portrait.gateway.config.GatewayConfig;
import io.portrait.proto.ingestion.v1.IngestEventsRequest;
import io.portrait.proto.ingestion.v1.IngestEventsResponse;
import io.portrait.proto.ingestion.v1.MutinyIngestionGrpc.MutinyIngestionStub;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.TimeUnit;

@ApplicationScoped
public class IngestionClient {

    private final MutinyIngestionStub ingestion;
    private final long deadlineMillis;

    public IngestionClient(@GrpcClient("ingestion") MutinyIngestionStub ingestion, GatewayConfig config) {
        this.ingestion = ingestion;
        this.deadlineMillis = config.callDeadline().toMillis();
    }

    public Uni<IngestEventsResponse> ingest(IngestEventsRequest request) {
        // A deadline is a point in time, so every call gets its own.
        return ingestion.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS).ingestEvents(request);
    }
}
