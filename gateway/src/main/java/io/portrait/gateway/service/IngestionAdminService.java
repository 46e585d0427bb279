package io.portrait.gateway.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import io.portrait.common.pii.PiiMask;
import io.portrait.gateway.client.IngestionClient;
import io.portrait.gateway.config.GatewayConfig;
import io.portrait.gateway.domain.DeadLetterView;
import io.portrait.gateway.domain.DeliveryStatusView;
import io.portrait.gateway.domain.FieldError;
import io.portrait.gateway.domain.Page;
import io.portrait.gateway.domain.QuarantinedEventView;
import io.portrait.gateway.domain.ReplayResult;
import io.portrait.gateway.domain.TrackingPlanView;
import io.portrait.gateway.engine.BatchFormatException;
import io.portrait.gateway.engine.EventBatchReader;
import io.portrait.gateway.engine.ReadEvent;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.ingestion.v1.CollectedEvent;
import io.portrait.proto.ingestion.v1.DeadLetter;
import io.portrait.proto.ingestion.v1.DeleteTrackingPlanRequest;
import io.portrait.proto.ingestion.v1.EventRule;
import io.portrait.proto.ingestion.v1.GetDeliveryStatusRequest;
import io.portrait.proto.ingestion.v1.GetQuarantinedEventRequest;
import io.portrait.proto.ingestion.v1.GetTrackingPlanRequest;
import io.portrait.proto.ingestion.v1.ListDeadLettersRequest;
import io.portrait.proto.ingestion.v1.ListQuarantinedEventsRequest;
import io.portrait.proto.ingestion.v1.ListTrackingPlansRequest;
import io.portrait.proto.ingestion.v1.PropertyRule;
import io.portrait.proto.ingestion.v1.PutTrackingPlanRequest;
import io.portrait.proto.ingestion.v1.QuarantinedEvent;
import io.portrait.proto.ingestion.v1.ReplayDeadLettersRequest;
import io.portrait.proto.ingestion.v1.ReplayOutcome;
import io.portrait.proto.ingestion.v1.ReplayQuarantinedEventsRequest;
import io.portrait.proto.ingestion.v1.TrackingPlan;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data team's side of ingestion: tracking plans per source, the quarantine of rejected events, and the dead
 * letters of delivery. Maps between the REST shapes and ingestion's gRPC contract; ingestion decides everything.
 */
@ApplicationScoped
public class IngestionAdminService {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final IngestionClient ingestion;
    private final ObjectMapper mapper;
    private final EventBatchReader reader;

    public IngestionAdminService(IngestionClient ingestion, ObjectMapper mapper, GatewayConfig config) {
        this.ingestion = ingestion;
        this.mapper = mapper;
        this.reader = new EventBatchReader(mapper, config.maxBatchEvents(), config.maxEventBytes());
    }

    public Uni<TrackingPlanView> putPlan(String workspace, String source, TrackingPlanView plan) {
        TrackingPlan.Builder proto = TrackingPlan.newBuilder().setSource(source)
                .setAllowUnplannedEvents(plan.allowUnplannedEvents());
        List<TrackingPlanView.EventRuleView> events = RequestLists.items(plan.events(), "events");
        for (int i = 0; i < events.size(); i++) {
            TrackingPlanView.EventRuleView event = events.get(i);
            EventRule.Builder rule = EventRule.newBuilder().setEvent(nullToEmpty(event.event()));
            RequestLists.items(event.properties(), "events[" + i + "].properties").forEach(p -> rule.addProperties(
                    PropertyRule.newBuilder().setName(nullToEmpty(p.name())).setType(nullToEmpty(p.type()))
                            .setRequired(p.required())));
            proto.addEvents(rule);
        }
        return ingestion.putTrackingPlan(PutTrackingPlanRequest.newBuilder().setWorkspace(workspace)
                .setPlan(proto).build()).map(r -> view(r.getPlan()));
    }

    public Uni<TrackingPlanView> getPlan(String workspace, String source) {
        return ingestion.getTrackingPlan(GetTrackingPlanRequest.newBuilder().setWorkspace(workspace).setSource(source)
                .build()).map(r -> view(r.getPlan()));
    }

    public Uni<List<TrackingPlanView>> listPlans(String workspace) {
        return ingestion.listTrackingPlans(ListTrackingPlansRequest.newBuilder().setWorkspace(workspace).build())
                .map(r -> r.getPlansList().stream().map(IngestionAdminService::view).toList());
    }

    public Uni<Boolean> deletePlan(String workspace, String source) {
        return ingestion.deleteTrackingPlan(DeleteTrackingPlanRequest.newBuilder().setWorkspace(workspace)
                .setSource(source).build()).map(r -> r.getDeleted());
    }

    public Uni<Page<QuarantinedEventView>> listQuarantine(String workspace, String source, String code, int pageSize,
                                                          String pageToken, boolean mayReadPii) {
        return ingestion.listQuarantinedEvents(ListQuarantinedEventsRequest.newBuilder().setWorkspace(workspace)
                        .setSource(nullToEmpty(source)).setCode(nullToEmpty(code)).setPageSize(pageSize)
                        .setPageToken(nullToEmpty(pageToken)).build())
                .map(r -> new Page<>(r.getEventsList().stream().map(q -> view(q, mayReadPii)).toList(),
                        emptyToNull(r.getNextPageToken())));
    }

    public Uni<QuarantinedEventView> getQuarantined(String workspace, String id, boolean mayReadPii) {
        return ingestion.getQuarantinedEvent(GetQuarantinedEventRequest.newBuilder().setWorkspace(workspace).setId(id)
                .build()).map(r -> view(r.getEvent(), mayReadPii));
    }

    /** Replays stored events, or one event as corrected by {@code correctedBody} (an event in the POST /v1/events shape). */
    public Uni<ReplayResult> replay(String workspace, List<String> ids, byte[] correctedBody) {
        ReplayQuarantinedEventsRequest.Builder request = ReplayQuarantinedEventsRequest.newBuilder()
                .setWorkspace(workspace).addAllIds(RequestLists.items(ids, "ids"));
        if (correctedBody != null && correctedBody.length > 0) {
            ReadEvent corrected = reader.readOne(correctedBody);
            if (!corrected.readable()) {
                FieldError first = corrected.errors().get(0);
                throw new BatchFormatException(BatchFormatException.Reason.INVALID_SHAPE,
                        "The corrected event cannot be read: " + first.field() + ": " + first.message());
            }
            request.setCorrected(corrected.event());
        }
        return ingestion.replayQuarantinedEvents(request.build()).map(r -> {
            List<ReplayResult.Outcome> outcomes = new ArrayList<>();
            int accepted = 0;
            for (ReplayOutcome o : r.getOutcomesList()) {
                accepted += o.getAccepted() ? 1 : 0;
                outcomes.add(o.getAccepted()
                        ? new ReplayResult.Outcome(o.getId(), true, o.getEventId(), o.getDuplicate(), null)
                        : new ReplayResult.Outcome(o.getId(), false, null, null, errors(o.getErrorsList())));
            }
            return new ReplayResult(accepted, outcomes.size() - accepted, outcomes);
        });
    }

    public Uni<Page<DeadLetterView>> listDeadLetters(String workspace, String sink, int pageSize, String pageToken) {
        return ingestion.listDeadLetters(ListDeadLettersRequest.newBuilder().setWorkspace(workspace)
                        .setSink(nullToEmpty(sink)).setPageSize(pageSize).setPageToken(nullToEmpty(pageToken)).build())
                .map(r -> new Page<>(r.getDeadLettersList().stream().map(IngestionAdminService::view).toList(),
                        emptyToNull(r.getNextPageToken())));
    }

    public Uni<Integer> replayDeadLetters(String workspace, String sink, List<String> ids) {
        return ingestion.replayDeadLetters(ReplayDeadLettersRequest.newBuilder().setWorkspace(workspace)
                .setSink(nullToEmpty(sink)).addAllIds(RequestLists.items(ids, "ids")).build()).map(r -> r.getReplayed());
    }

    public Uni<DeliveryStatusView> deliveryStatus(String workspace) {
        return ingestion.deliveryStatus(GetDeliveryStatusRequest.newBuilder().setWorkspace(workspace).build())
                .map(r -> DeliveryStatusView.of(r.getResolving(), r.getSinksList().stream()
                        .map(s -> new DeliveryStatusView.SinkView(s.getSink(), s.getPending(), s.getDead(),
                                s.hasOldestPendingSince() ? instant(s.getOldestPendingSince()) : null))
                        .toList()));
    }

    private static TrackingPlanView view(TrackingPlan plan) {
        return new TrackingPlanView(plan.getSource(), plan.getAllowUnplannedEvents(),
                plan.getEventsList().stream().map(e -> new TrackingPlanView.EventRuleView(e.getEvent(),
                        e.getPropertiesList().stream().map(p -> new TrackingPlanView.PropertyRuleView(p.getName(),
                                p.getType(), p.getRequired())).toList())).toList(),
                plan.hasUpdatedAt() ? instant(plan.getUpdatedAt()) : null);
    }

    /** A quarantined event as the API shows it; its identifiers and traits in clear only when {@code mayReadPii}. */
    public QuarantinedEventView view(QuarantinedEvent q, boolean mayReadPii) {
        return new QuarantinedEventView(q.getId(), q.getSource(), q.getMessageId(), errors(q.getErrorsList()),
                instant(q.getReceivedAt()), q.getAttempts(), instant(q.getLastAttemptAt()),
                event(q.getEvent(), mayReadPii));
    }

    private static DeadLetterView view(DeadLetter d) {
        return new DeadLetterView(d.getId(), d.getSink(), d.getKind(), d.getProfileIdsList(), d.getAttempts(),
                d.getLastError(), d.hasDeadAt() ? instant(d.getDeadAt()) : null);
    }

    /** The event in the shape it was sent to POST /v1/events. */
    private Map<String, Object> event(CollectedEvent e, boolean mayReadPii) {
        Map<String, Object> event = new LinkedHashMap<>();
        putText(event, "messageId", e.getMessageId());
        putText(event, "type", e.getType());
        putText(event, e.getType().strip().equalsIgnoreCase("track") ? "event" : "name", e.getName());
        putText(event, "channel", e.getChannel());
        putText(event, "source", e.getSource());
        putText(event, "timestamp", e.getTimestamp());
        Map<String, Object> identifiers = new LinkedHashMap<>();
        for (Identifier identifier : e.getIdentifiersList()) {
            String value = mayReadPii ? identifier.getValue() : PiiMask.mask(identifier.getType(), identifier.getValue());
            identifiers.merge(identifier.getType(), value, (a, b) -> {
                List<Object> values = a instanceof List<?> list ? new ArrayList<>(list) : new ArrayList<>(List.of(a));
                values.add(b);
                return values;
            });
        }
        if (!identifiers.isEmpty()) {
            event.put("identifiers", identifiers);
        }
        if (e.hasTraits()) {
            // Traits describe the person: without pii:read only their names are shown.
            event.put("traits", mayReadPii ? struct(e.getTraits()) : masked(e.getTraits()));
        }
        if (e.hasProperties()) {
            event.put("properties", struct(e.getProperties()));
        }
        if (e.getConsentCount() > 0) {
            event.put("consent", e.getConsentMap());
        }
        return event;
    }

    private Map<String, Object> struct(Struct struct) {
        try {
            return mapper.readValue(JsonFormat.printer().print(struct), MAP);
        } catch (InvalidProtocolBufferException | JsonProcessingException e) {
            throw new IllegalStateException("a Struct is always JSON", e);
        }
    }

    private static Map<String, Object> masked(Struct struct) {
        Map<String, Object> masked = new LinkedHashMap<>();
        struct.getFieldsMap().keySet().stream().sorted().forEach(k -> masked.put(k, "****"));
        return masked;
    }

    private static List<FieldError> errors(List<io.portrait.proto.ingestion.v1.FieldError> errors) {
        return errors.stream().map(e -> new FieldError(e.getField(), e.getCode(), e.getMessage())).toList();
    }

    private static void putText(Map<String, Object> map, String key, String value) {
        if (!value.isEmpty()) {
            map.put(key, value);
        }
    }

    private static String instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()).toString();
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    private static String emptyToNull(String value) {
        return value.isEmpty() ? null : value;
    }
}
