package io.portrait.gateway.rest;

import io.portrait.gateway.domain.AuditEntry;
import io.portrait.gateway.domain.Page;
import io.portrait.gateway.engine.InvalidCursorException;
import io.portrait.gateway.engine.Scope;
import io.portrait.gateway.service.AuditService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/audit")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@RolesAllowed(Scope.PRIVACY_ADMIN_NAME)
@SecurityRequirement(name = "apiKey")
@SecurityRequirement(name = "bearer")
@Tag(name = "Audit", description = "Every PII read and every admin change of the workspace (scope privacy:admin).")
public class AuditResource {

    private static final int MAX_LIMIT = 500;

    private final AuditService audit;
    private final CurrentCaller caller;

    public AuditResource(AuditService audit, CurrentCaller caller) {
        this.audit = audit;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "Audit entries, newest first", description = "Filter by action (e.g. pii.read, key.created), "
            + "target (a profile or key id) or actor (key:<id>, jwt:<subject>); page on with the answer's next cursor.")
    public Uni<Page<AuditEntry>> list(
            @QueryParam("action") String action,
            @QueryParam("target") String target,
            @QueryParam("actor") String actor,
            @Parameter(description = Paging.CURSOR) @QueryParam("cursor") String cursor,
            @Parameter(description = Paging.LIMIT + MAX_LIMIT + ", default 50.") @QueryParam("limit") Integer limit) {
        int size = Paging.limit(limit, 50, MAX_LIMIT);
        Long before = null;
        if (cursor != null) {
            try {
                before = Long.parseLong(cursor);
            } catch (NumberFormatException e) {
                throw new InvalidCursorException(e);
            }
        }
        return audit.list(caller.workspace(), action, target, actor, before, size);
    }
}
