package io.portrait.gateway.client;

import io.portrait.proto.ingestion.v1.Ingestion;
import io.portrait.proto.ingestion.v1.IngestEventsRequest;
import io.portrait.proto.ingestion.v1.IngestEventsResponse;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class IngestionClient {

    private final Ingestion ingestion;

    public IngestionClient(@GrpcClient("ingestion") Ingestion ingestion) {
        this.ingestion = ingestion;
    }

    public Uni<IngestEventsResponse> ingest(IngestEventsRequest request) {
        return ingestion.ingestEvents(request);
    }
}
