package io.portrait.ingestion.grpc;

import io.portrait.ingestion.service.DeadLetterService;
import io.portrait.ingestion.service.DeliveryStatusService;
import io.portrait.ingestion.service.ImportService;
import io.portrait.ingestion.service.IngestService;
import io.portrait.ingestion.service.ProfileEventsService;
import io.portrait.ingestion.service.QuarantineService;
import io.portrait.ingestion.service.TrackingPlanService;
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
import io.portrait.proto.ingestion.v1.DeleteTrackingPlanRequest;
import io.portrait.proto.ingestion.v1.DeleteTrackingPlanResponse;
import io.portrait.proto.ingestion.v1.EraseProfileEventsRequest;
import io.portrait.proto.ingestion.v1.EraseProfileEventsResponse;
import io.portrait.proto.ingestion.v1.GetQuarantinedEventRequest;
import io.portrait.proto.ingestion.v1.GetQuarantinedEventResponse;
import io.portrait.proto.ingestion.v1.GetTrackingPlanRequest;
import io.portrait.proto.ingestion.v1.GetTrackingPlanResponse;
import io.portrait.proto.ingestion.v1.IngestEventsRequest;
import io.portrait.proto.ingestion.v1.IngestEventsResponse;
import io.portrait.proto.ingestion.v1.Ingestion;
import io.portrait.proto.ingestion.v1.GetDeliveryStatusRequest;
import io.portrait.proto.ingestion.v1.GetDeliveryStatusResponse;
import io.portrait.proto.ingestion.v1.ListDeadLettersRequest;
import io.portrait.proto.ingestion.v1.ListDeadLettersResponse;
import io.portrait.proto.ingestion.v1.ListProfileEventsRequest;
import io.portrait.proto.ingestion.v1.ListProfileEventsResponse;
import io.portrait.proto.ingestion.v1.ListProfileQuarantinedEventsRequest;
import io.portrait.proto.ingestion.v1.ListProfileQuarantinedEventsResponse;
import io.portrait.proto.ingestion.v1.ListProfileWaitingEventsRequest;
import io.portrait.proto.ingestion.v1.ListProfileWaitingEventsResponse;
import io.portrait.proto.ingestion.v1.ListQuarantinedEventsRequest;
import io.portrait.proto.ingestion.v1.ListQuarantinedEventsResponse;
import io.portrait.proto.ingestion.v1.ListImportsRequest;
import io.portrait.proto.ingestion.v1.ListImportsResponse;
import io.portrait.proto.ingestion.v1.ListTrackingPlansRequest;
import io.portrait.proto.ingestion.v1.ListTrackingPlansResponse;
import io.portrait.proto.ingestion.v1.PutTrackingPlanRequest;
import io.portrait.proto.ingestion.v1.PutTrackingPlanResponse;
import io.portrait.proto.ingestion.v1.ReplayDeadLettersRequest;
import io.portrait.proto.ingestion.v1.ReplayDeadLettersResponse;
import io.portrait.proto.ingestion.v1.ReplayQuarantinedEventsRequest;
import io.portrait.proto.ingestion.v1.ReplayQuarantinedEventsResponse;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

import java.util.function.Supplier;

import static io.portrait.ingestion.service.IngestService.workspace;

@GrpcService
public class IngestionGrpcService implements Ingestion {

    private final IngestService ingest;
    private final TrackingPlanService plans;
    private final QuarantineService quarantine;
    private final DeadLetterService deadLetters;
    private final ProfileEventsService profileEvents;
    private final ImportService imports;
    private final DeliveryStatusService deliveryStatus;

    public IngestionGrpcService(IngestService ingest, TrackingPlanService plans, QuarantineService quarantine,
                                DeadLetterService deadLetters, ProfileEventsService profileEvents,
                                ImportService imports, DeliveryStatusService deliveryStatus) {
        this.imports = imports;
        this.deliveryStatus = deliveryStatus;
        this.ingest = ingest;
        this.plans = plans;
        this.quarantine = quarantine;
        this.deadLetters = deadLetters;
        this.profileEvents = profileEvents;
    }

    /** Validation failures thrown while building the Uni become status codes like any other failure. */
    private static <T> Uni<T> call(Supplier<Uni<? extends T>> work) {
        return Uni.createFrom().<T>deferred(work).onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<IngestEventsResponse> ingestEvents(IngestEventsRequest request) {
        return call(() -> ingest.ingest(request));
    }

    @Override
    public Uni<ListProfileEventsResponse> listProfileEvents(ListProfileEventsRequest request) {
        return call(() -> profileEvents.timeline(request));
    }

    @Override
    public Uni<EraseProfileEventsResponse> eraseProfileEvents(EraseProfileEventsRequest request) {
        return call(() -> profileEvents.erase(request));
    }

    @Override
    public Uni<ListProfileQuarantinedEventsResponse> listProfileQuarantinedEvents(
            ListProfileQuarantinedEventsRequest request) {
        return call(() -> profileEvents.quarantined(request));
    }

    @Override
    public Uni<ListProfileWaitingEventsResponse> listProfileWaitingEvents(ListProfileWaitingEventsRequest request) {
        return call(() -> profileEvents.waiting(request));
    }

    @Override
    public Uni<PutTrackingPlanResponse> putTrackingPlan(PutTrackingPlanRequest request) {
        return call(() -> plans.put(workspace(request.getWorkspace()), request.getPlan())
                .map(plan -> PutTrackingPlanResponse.newBuilder().setPlan(plan).build()));
    }

    @Override
    public Uni<GetTrackingPlanResponse> getTrackingPlan(GetTrackingPlanRequest request) {
        return call(() -> plans.get(workspace(request.getWorkspace()), request.getSource())
                .map(plan -> GetTrackingPlanResponse.newBuilder().setPlan(plan).build()));
    }

    @Override
    public Uni<ListTrackingPlansResponse> listTrackingPlans(ListTrackingPlansRequest request) {
        return call(() -> plans.list(workspace(request.getWorkspace()))
                .map(list -> ListTrackingPlansResponse.newBuilder().addAllPlans(list).build()));
    }

    @Override
    public Uni<DeleteTrackingPlanResponse> deleteTrackingPlan(DeleteTrackingPlanRequest request) {
        return call(() -> plans.delete(workspace(request.getWorkspace()), request.getSource())
                .map(deleted -> DeleteTrackingPlanResponse.newBuilder().setDeleted(deleted).build()));
    }

    @Override
    public Uni<ListQuarantinedEventsResponse> listQuarantinedEvents(ListQuarantinedEventsRequest request) {
        return call(() -> quarantine.list(request));
    }

    @Override
    public Uni<GetQuarantinedEventResponse> getQuarantinedEvent(GetQuarantinedEventRequest request) {
        return call(() -> quarantine.get(request.getWorkspace(), request.getId())
                .map(event -> GetQuarantinedEventResponse.newBuilder().setEvent(event).build()));
    }

    @Override
    public Uni<ReplayQuarantinedEventsResponse> replayQuarantinedEvents(ReplayQuarantinedEventsRequest request) {
        return call(() -> ingest.replay(request));
    }

    @Override
    public Uni<ListDeadLettersResponse> listDeadLetters(ListDeadLettersRequest request) {
        return call(() -> deadLetters.list(request));
    }

    @Override
    public Uni<GetDeliveryStatusResponse> getDeliveryStatus(GetDeliveryStatusRequest request) {
        return call(() -> deliveryStatus.status(request));
    }

    @Override
    public Uni<CreateImportResponse> createImport(CreateImportRequest request) {
        return call(() -> imports.create(request).map(job -> CreateImportResponse.newBuilder().setJob(job).build()));
    }

    @Override
    public Uni<AppendImportChunkResponse> appendImportChunk(AppendImportChunkRequest request) {
        return call(() -> imports.append(request).replaceWith(AppendImportChunkResponse.getDefaultInstance()));
    }

    @Override
    public Uni<CompleteImportUploadResponse> completeImportUpload(CompleteImportUploadRequest request) {
        return call(() -> imports.complete(request)
                .map(job -> CompleteImportUploadResponse.newBuilder().setJob(job).build()));
    }

    @Override
    public Uni<GetImportResponse> getImport(GetImportRequest request) {
        return call(() -> imports.get(request.getWorkspace(), request.getId())
                .map(job -> GetImportResponse.newBuilder().setJob(job).build()));
    }

    @Override
    public Uni<ListImportsResponse> listImports(ListImportsRequest request) {
        return call(() -> imports.list(request));
    }

    @Override
    public Uni<ListImportRejectsResponse> listImportRejects(ListImportRejectsRequest request) {
        return call(() -> imports.rejects(request));
    }

    @Override
    public Uni<ReplayDeadLettersResponse> replayDeadLetters(ReplayDeadLettersRequest request) {
        return call(() -> deadLetters.replay(request));
    }
}
