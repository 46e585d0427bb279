package io.portrait.ingestion.repository;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import io.portrait.proto.ingestion.v1.TrackingPlan;
import io.quarkus.mongodb.FindOptions;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.bson.Document;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Tracking plans, one document per (workspace, source); the plan itself is kept as its JSON form. */
@ApplicationScoped
public class TrackingPlanRepository {

    private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();

    private final IngestionStore store;

    public TrackingPlanRepository(IngestionStore store) {
        this.store = store;
    }

    /** Stores the plan, replacing the source's previous one; answers it as stored. */
    public Uni<TrackingPlan> put(String workspace, TrackingPlan plan) {
        Instant now = Instant.now();
        TrackingPlan stored = plan.toBuilder().setUpdatedAt(Timestamp.newBuilder()
                .setSeconds(now.getEpochSecond()).setNanos(now.getNano() / 1_000_000 * 1_000_000)).build();
        Document document = new Document("_id", id(workspace, plan.getSource()))
                .append("workspace", workspace)
                .append("source", plan.getSource())
                .append("plan", print(stored));
        return store.trackingPlans().replaceOne(Filters.eq("_id", document.get("_id")), document,
                new ReplaceOptions().upsert(true)).replaceWith(stored);
    }

    public Uni<Optional<TrackingPlan>> get(String workspace, String source) {
        return store.trackingPlans().find(Filters.eq("_id", id(workspace, source))).collect().first()
                .map(d -> Optional.ofNullable(d).map(TrackingPlanRepository::plan));
    }

    public Uni<List<TrackingPlan>> list(String workspace) {
        return store.trackingPlans().find(Filters.eq("workspace", workspace),
                        new FindOptions().sort(Sorts.ascending("source")))
                .map(TrackingPlanRepository::plan).collect().asList();
    }

    /** The plans of the given sources that have one, by source. */
    public Uni<Map<String, TrackingPlan>> forSources(String workspace, Collection<String> sources) {
        if (sources.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return store.trackingPlans()
                .find(Filters.in("_id", sources.stream().map(s -> id(workspace, s)).toList()))
                .map(TrackingPlanRepository::plan)
                .collect().asMap(TrackingPlan::getSource, p -> p);
    }

    public Uni<Boolean> delete(String workspace, String source) {
        return store.trackingPlans().deleteOne(Filters.eq("_id", id(workspace, source)))
                .map(result -> result.getDeletedCount() > 0);
    }

    private static String id(String workspace, String source) {
        return workspace + '\u0000' + source;
    }

    private static String print(TrackingPlan plan) {
        try {
            return JSON.print(plan);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a tracking plan is plain data", e);
        }
    }

    private static TrackingPlan plan(Document document) {
        TrackingPlan.Builder plan = TrackingPlan.newBuilder();
        try {
            JsonFormat.parser().merge(document.getString("plan"), plan);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored tracking plan is unreadable", e);
        }
        return plan.build();
    }
}
