package io.portrait.ingestion.grpc;

import io.portrait.proto.ingestion.v1.EraseProfileEventsResponse;
import io.portrait.proto.ingestion.v1.EraseProfileEventsRequest;
import io.portrait.proto.ingestion.v1.ListProfileEventsResponse;
import io.portrait.proto.ingestion.v1.ListProfileEventsRequest;
import io.portrait.ingestion.service.IngestService;
import io.portrait.proto.ingestion.v1.IngestEventsRequest;
import io.portrait.proto.ingestion.v1.IngestEventsResponse;
import io.portrait.proto.ingestion.v1.Ingestion;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

@GrpcService
public class IngestionGrpcService implements Ingestion {

    private final IngestService ingest;

    public IngestionGrpcService(IngestService ingest) {
        this.ingest = ingest;
    }

    @Override
    public Uni<IngestEventsResponse> ingestEvents(IngestEventsRequest request) {
        return Uni.createFrom().deferred(() -> ingest.ingest(request)).onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<ListProfileEventsResponse> listProfileEvents(ListProfileEventsRequest request) {
        // Contract agreed ahead of its implementation, which lands with this service's issue.
        return Uni.createFrom().failure(io.grpc.Status.UNIMPLEMENTED.asRuntimeException());
    }

    @Override
    public Uni<EraseProfileEventsResponse> eraseProfileEvents(EraseProfileEventsRequest request) {
        // Contract agreed ahead of its implementation, which lands with this service's issue.
        return Uni.createFrom().failure(io.grpc.Status.UNIMPLEMENTED.asRuntimeException());
    }
}
