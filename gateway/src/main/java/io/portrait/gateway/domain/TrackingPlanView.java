package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** A source's tracking plan: the events it may send and the properties each must carry. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "TrackingPlan")
public record TrackingPlanView(
        @Schema(description = "The source the plan holds for (set from the path on PUT).") String source,
        @Schema(description = "Whether events the plan does not list pass; when false they are rejected "
                + "as unplanned_event.") boolean allowUnplannedEvents,
        @Schema(required = true) List<EventRuleView> events,
        @Schema(description = "When the plan was last stored.", readOnly = true) String updatedAt) {

    /** One event of a plan: a track event name, or identify, page, screen or alias. */
    @Schema(name = "TrackingPlanEvent")
    public record EventRuleView(
            @Schema(required = true, example = "Order Completed") String event,
            List<PropertyRuleView> properties) {
    }

    /** Properties (traits for identify) an event carries. */
    @Schema(name = "TrackingPlanProperty")
    public record PropertyRuleView(
            @Schema(required = true, example = "orderId") String name,
            @Schema(required = true, enumeration = {"string", "number", "integer", "boolean", "object", "array", "any"})
            String type,
            boolean required) {
    }
}
