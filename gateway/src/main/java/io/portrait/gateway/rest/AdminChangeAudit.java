package io.portrait.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portrait.gateway.service.AuditService;
import io.portrait.gateway.service.CallerIdentity;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.lang.reflect.Method;
import java.util.Map;

/**
 * Audits every successful {@link AdminChange}: who, which action, on what, through which call. In one place, so
 * a new admin endpoint is audited by its annotation alone. Failed calls changed nothing and are not recorded.
 */
public class AdminChangeAudit {

    private final CurrentIdentityAssociation identities;
    private final AuditService audit;
    private final ObjectMapper json;

    public AdminChangeAudit(CurrentIdentityAssociation identities, AuditService audit, ObjectMapper json) {
        this.identities = identities;
        this.audit = audit;
        this.json = json;
    }

    @ServerResponseFilter
    public Uni<Void> record(ContainerRequestContext request, ContainerResponseContext response, ResourceInfo resource) {
        Method method = resource == null ? null : resource.getResourceMethod();
        AdminChange change = method == null ? null : method.getAnnotation(AdminChange.class);
        if (change == null || response.getStatus() < 200 || response.getStatus() >= 300) {
            return Uni.createFrom().voidItem();
        }
        String target = !change.target().isEmpty()
                ? request.getUriInfo().getPathParameters().getFirst(change.target())
                : created(response.getEntity(), change.createdTarget());
        String via = request.getMethod() + " " + request.getUriInfo().getPath();
        return identities.getDeferredIdentity().flatMap(identity -> {
            String workspace = identity.getAttribute(CallerIdentity.WORKSPACE);
            String actor = identity.getAttribute(CallerIdentity.ACTOR);
            return audit.record(workspace, actor == null ? identity.getPrincipal().getName() : actor, change.value(),
                    target, Map.of("via", via, "status", response.getStatus()));
        });
    }

    /** The answer's property at {@code path} (dotted), or null when there is none. */
    private String created(Object answer, String path) {
        if (path.isEmpty() || answer == null) {
            return null;
        }
        JsonNode node = json.valueToTree(answer);
        for (String name : path.split("\\.")) {
            node = node.path(name);
        }
        return node.isValueNode() ? node.asText() : null;
    }
}
