package io.portrait.ingestion.service;

import io.portrait.ingestion.engine.PlanValidator;
import io.portrait.ingestion.repository.TrackingPlanRepository;
import io.portrait.proto.ingestion.v1.FieldError;
import io.portrait.proto.ingestion.v1.TrackingPlan;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.stream.Collectors;

/** Tracking plans per source: stored after they are checked, applied by ingestion to every later event. */
@ApplicationScoped
public class TrackingPlanService {

    private final TrackingPlanRepository plans;

    public TrackingPlanService(TrackingPlanRepository plans) {
        this.plans = plans;
    }

    public Uni<TrackingPlan> put(String workspace, TrackingPlan plan) {
        TrackingPlan trimmed = plan.toBuilder().setSource(plan.getSource().strip()).clearUpdatedAt().build();
        List<FieldError> errors = PlanValidator.validatePlan(trimmed);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors.get(0).getField(), errors.stream()
                    .map(e -> e.getField() + " " + e.getCode() + ": " + e.getMessage())
                    .collect(Collectors.joining("; ")));
        }
        return plans.put(workspace, trimmed);
    }

    public Uni<TrackingPlan> get(String workspace, String source) {
        requireSource(source);
        return plans.get(workspace, source.strip()).map(plan -> plan.orElseThrow(
                () -> new NotFoundException("source '" + source.strip() + "' has no tracking plan")));
    }

    public Uni<List<TrackingPlan>> list(String workspace) {
        return plans.list(workspace);
    }

    public Uni<Boolean> delete(String workspace, String source) {
        requireSource(source);
        return plans.delete(workspace, source.strip());
    }

    private static void requireSource(String source) {
        if (source.isBlank()) {
            throw new InvalidRequestException("source", "source is required");
        }
    }
}
