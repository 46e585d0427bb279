package io.portrait.gateway.client;

import io.portrait.gateway.config.GatewayConfig;
import io.portrait.proto.ingestion.v1.EraseProfileEventsRequest;
import io.portrait.proto.ingestion.v1.EraseProfileEventsResponse;
import io.portrait.proto.ingestion.v1.IngestEventsRequest;
import io.portrait.proto.ingestion.v1.ListProfileEventsRequest;
import io.portrait.proto.ingestion.v1.ListProfileEventsResponse;
import io.portrait.proto.ingestion.v1.IngestEventsResponse;
import io.portrait.proto.ingestion.v1.MutinyIngestionGrpc.MutinyIngestionStub;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.concurrent.TimeUnit;

@ApplicationScoped
public class IngestionClient {

    private final MutinyIngestionStub ingestion;
    private final long deadlineMillis;
    private final long readDeadlineMillis;

    public IngestionClient(@GrpcClient("ingestion") MutinyIngestionStub ingestion, GatewayConfig config) {
        this.ingestion = ingestion;
        this.deadlineMillis = config.callDeadline().toMillis();
        this.readDeadlineMillis = config.profileDeadline().toMillis();
    }

    public Uni<ListProfileEventsResponse> events(String workspace, List<String> profileIds, int pageSize, String pageToken) {
        return ingestion.withDeadlineAfter(readDeadlineMillis, TimeUnit.MILLISECONDS)
                .listProfileEvents(ListProfileEventsRequest.newBuilder().setWorkspace(workspace)
                        .addAllProfileIds(profileIds).setPageSize(pageSize)
                        .setPageToken(pageToken == null ? "" : pageToken).build());
    }

    public Uni<EraseProfileEventsResponse> eraseEvents(String workspace, List<String> profileIds) {
        return ingestion.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
                .eraseProfileEvents(EraseProfileEventsRequest.newBuilder().setWorkspace(workspace)
                        .addAllProfileIds(profileIds).build());
    }

    public Uni<IngestEventsResponse> ingest(IngestEventsRequest request) {
        // A deadline is a point in time, so every call gets its own.
        return ingestion.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS).ingestEvents(request);
    }
}
