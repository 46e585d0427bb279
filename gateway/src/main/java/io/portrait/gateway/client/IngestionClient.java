package io.portrait.gateway.client;

import io.portrait.gateway.config.GatewayConfig;
import io.portrait.proto.ingestion.v1.EraseProfileEventsRequest;
import io.portrait.proto.ingestion.v1.EraseProfileEventsResponse;
import io.portrait.proto.ingestion.v1.AppendImportChunkRequest;
import io.portrait.proto.ingestion.v1.AppendImportChunkResponse;
import io.portrait.proto.ingestion.v1.CompleteImportUploadRequest;
import io.portrait.proto.ingestion.v1.CompleteImportUploadResponse;
import io.portrait.proto.ingestion.v1.CreateImportRequest;
import io.portrait.proto.ingestion.v1.CreateImportResponse;
import io.portrait.proto.ingestion.v1.GetImportRequest;
import io.portrait.proto.ingestion.v1.GetImportResponse;
import io.portrait.proto.ingestion.v1.ListImportRejectsRequest;
import io.portrait.proto.ingestion.v1.ListImportRejectsResponse;
import io.portrait.proto.ingestion.v1.ListImportsRequest;
import io.portrait.proto.ingestion.v1.ListImportsResponse;
import io.portrait.proto.ingestion.v1.DeleteTrackingPlanRequest;
import io.portrait.proto.ingestion.v1.DeleteTrackingPlanResponse;
import io.portrait.proto.ingestion.v1.GetQuarantinedEventRequest;
import io.portrait.proto.ingestion.v1.GetQuarantinedEventResponse;
import io.portrait.proto.ingestion.v1.GetTrackingPlanRequest;
import io.portrait.proto.ingestion.v1.GetTrackingPlanResponse;
import io.portrait.proto.ingestion.v1.IngestEventsRequest;
import io.portrait.proto.ingestion.v1.ListProfileEventsRequest;
import io.portrait.proto.ingestion.v1.ListProfileEventsResponse;
import io.portrait.proto.ingestion.v1.ListProfileQuarantinedEventsRequest;
import io.portrait.proto.ingestion.v1.ListProfileQuarantinedEventsResponse;
import io.portrait.proto.ingestion.v1.ListProfileWaitingEventsRequest;
import io.portrait.proto.ingestion.v1.ListProfileWaitingEventsResponse;
import io.portrait.proto.ingestion.v1.IngestEventsResponse;
import io.portrait.proto.ingestion.v1.GetDeliveryStatusRequest;
import io.portrait.proto.ingestion.v1.GetDeliveryStatusResponse;
import io.portrait.proto.ingestion.v1.ListDeadLettersRequest;
import io.portrait.proto.ingestion.v1.ListDeadLettersResponse;
import io.portrait.proto.ingestion.v1.ListQuarantinedEventsRequest;
import io.portrait.proto.ingestion.v1.ListQuarantinedEventsResponse;
import io.portrait.proto.ingestion.v1.ListTrackingPlansRequest;
import io.portrait.proto.ingestion.v1.ListTrackingPlansResponse;
import io.portrait.proto.ingestion.v1.PutTrackingPlanRequest;
import io.portrait.proto.ingestion.v1.PutTrackingPlanResponse;
import io.portrait.proto.ingestion.v1.ReplayDeadLettersRequest;
import io.portrait.proto.ingestion.v1.ReplayDeadLettersResponse;
import io.portrait.proto.ingestion.v1.ReplayQuarantinedEventsRequest;
import io.portrait.proto.ingestion.v1.ReplayQuarantinedEventsResponse;
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

    /** Which of a profile's events to list. */
    public enum Events {
        ALL,
        /** Only those carrying consent: ingestion filters them, so reading consent costs no transfer of the others. */
        CARRYING_CONSENT
    }

    /** A page of the profiles' events, newest first. */
    public Uni<ListProfileEventsResponse> events(String workspace, List<String> profileIds, Events which, int pageSize,
                                                 String pageToken) {
        return ingestion.withDeadlineAfter(readDeadlineMillis, TimeUnit.MILLISECONDS)
                .listProfileEvents(ListProfileEventsRequest.newBuilder().setWorkspace(workspace)
                        .addAllProfileIds(profileIds).setConsentOnly(which == Events.CARRYING_CONSENT)
                        .setPageSize(pageSize).setPageToken(pageToken == null ? "" : pageToken).build());
    }

    /**
     * A page of the quarantined events that carried one of the person's identifiers, for an export; newest first (by
     * the time each arrived, then by id), so a reader that wants only the newest stops after enough pages.
     * {@code identifierHashes} are identity's lookup hashes of the person's identifiers, which ingestion uses besides
     * those its events tell, as an erasure's: so an event rejected before it reached the profile is found too.
     */
    public Uni<ListProfileQuarantinedEventsResponse> quarantined(String workspace, List<String> profileIds,
                                                                 List<String> identifierHashes, int pageSize,
                                                                 String pageToken) {
        return timed().listProfileQuarantinedEvents(ListProfileQuarantinedEventsRequest.newBuilder()
                .setWorkspace(workspace).addAllProfileIds(profileIds).addAllIdentifierHashes(identifierHashes)
                .setPageSize(pageSize).setPageToken(pageToken == null ? "" : pageToken).build());
    }

    /**
     * A page of the person's events still waiting to be resolved (accepted, not on a profile yet), for an export;
     * newest first (by event time, then by id), found as {@link #quarantined} finds the rejected ones: by the
     * identifiers the profiles' events tell and by identity's lookup hashes of the person's identifiers.
     */
    public Uni<ListProfileWaitingEventsResponse> waiting(String workspace, List<String> profileIds,
                                                         List<String> identifierHashes, int pageSize,
                                                         String pageToken) {
        return timed().listProfileWaitingEvents(ListProfileWaitingEventsRequest.newBuilder()
                .setWorkspace(workspace).addAllProfileIds(profileIds).addAllIdentifierHashes(identifierHashes)
                .setPageSize(pageSize).setPageToken(pageToken == null ? "" : pageToken).build());
    }

    /**
     * Erases the events of the profiles and what else carries the person; {@code identifierHashes} are the lookup
     * hashes of the identifiers identity suppressed (empty when it answered none), which ingestion uses besides those
     * its events tell.
     */
    public Uni<EraseProfileEventsResponse> eraseEvents(String workspace, List<String> profileIds,
                                                       List<String> identifierHashes) {
        return ingestion.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
                .eraseProfileEvents(EraseProfileEventsRequest.newBuilder().setWorkspace(workspace)
                        .addAllProfileIds(profileIds).addAllIdentifierHashes(identifierHashes).build());
    }

    public Uni<IngestEventsResponse> ingest(IngestEventsRequest request) {
        return timed().ingestEvents(request);
    }

    public Uni<PutTrackingPlanResponse> putTrackingPlan(PutTrackingPlanRequest request) {
        return timed().putTrackingPlan(request);
    }

    public Uni<GetTrackingPlanResponse> getTrackingPlan(GetTrackingPlanRequest request) {
        return timed().getTrackingPlan(request);
    }

    public Uni<ListTrackingPlansResponse> listTrackingPlans(ListTrackingPlansRequest request) {
        return timed().listTrackingPlans(request);
    }

    public Uni<DeleteTrackingPlanResponse> deleteTrackingPlan(DeleteTrackingPlanRequest request) {
        return timed().deleteTrackingPlan(request);
    }

    public Uni<ListQuarantinedEventsResponse> listQuarantinedEvents(ListQuarantinedEventsRequest request) {
        return timed().listQuarantinedEvents(request);
    }

    public Uni<GetQuarantinedEventResponse> getQuarantinedEvent(GetQuarantinedEventRequest request) {
        return timed().getQuarantinedEvent(request);
    }

    public Uni<ReplayQuarantinedEventsResponse> replayQuarantinedEvents(ReplayQuarantinedEventsRequest request) {
        return timed().replayQuarantinedEvents(request);
    }

    public Uni<ListDeadLettersResponse> listDeadLetters(ListDeadLettersRequest request) {
        return timed().listDeadLetters(request);
    }

    public Uni<ReplayDeadLettersResponse> replayDeadLetters(ReplayDeadLettersRequest request) {
        return timed().replayDeadLetters(request);
    }

    public Uni<GetDeliveryStatusResponse> deliveryStatus(GetDeliveryStatusRequest request) {
        return timed().getDeliveryStatus(request);
    }

    public Uni<CreateImportResponse> createImport(CreateImportRequest request) {
        return timed().createImport(request);
    }

    public Uni<AppendImportChunkResponse> appendImportChunk(AppendImportChunkRequest request) {
        return timed().appendImportChunk(request);
    }

    public Uni<CompleteImportUploadResponse> completeImportUpload(CompleteImportUploadRequest request) {
        return timed().completeImportUpload(request);
    }

    public Uni<GetImportResponse> getImport(GetImportRequest request) {
        return timed().getImport(request);
    }

    public Uni<ListImportsResponse> listImports(ListImportsRequest request) {
        return timed().listImports(request);
    }

    public Uni<ListImportRejectsResponse> listImportRejects(ListImportRejectsRequest request) {
        return timed().listImportRejects(request);
    }

    /** A deadline is a point in time, so every call gets its own. */
    private MutinyIngestionStub timed() {
        return ingestion.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }
}
