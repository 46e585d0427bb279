package io.portrait.gateway.rest;

import io.portrait.gateway.domain.DeliveryStatusView;
import io.portrait.gateway.service.IngestionAdminService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/delivery")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@Tag(name = "Delivery")
public class DeliveryStatusResource {

    private final IngestionAdminService admin;
    private final CurrentCaller caller;

    public DeliveryStatusResource(IngestionAdminService admin, CurrentCaller caller) {
        this.admin = admin;
        this.caller = caller;
    }

    @GET
    @RolesAllowed("profiles:read")
    @Operation(summary = "Delivery status",
            description = "What of the workspace's accepted events is still on its way: events waiting for identity "
                    + "resolution, and per sink (tagging, scoring, recommendation) the entries it has not applied yet, "
                    + "since when the oldest waits, and its dead letters. caughtUp is true when every accepted event is "
                    + "on its profile in every service.")
    public Uni<DeliveryStatusView> status() {
        return admin.deliveryStatus(caller.workspace());
    }
}
