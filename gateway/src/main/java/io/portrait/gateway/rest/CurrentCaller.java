package io.portrait.gateway.rest;

import io.portrait.gateway.engine.Scope;
import io.portrait.gateway.service.CallerIdentity;
import io.portrait.gateway.service.PiiGuard;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;

import java.util.Set;

/**
 * The authenticated caller of the current request. Resources take the workspace from here and pass it on every
 * call to a service, so a caller only ever reaches its own workspace's data.
 */
@RequestScoped
public class CurrentCaller {

    private final SecurityIdentity identity;

    public CurrentCaller(SecurityIdentity identity) {
        this.identity = identity;
    }

    public String workspace() {
        String workspace = identity.getAttribute(CallerIdentity.WORKSPACE);
        if (workspace == null) {
            // Only reachable from an endpoint that forgot @RolesAllowed; deny rather than guess a workspace.
            throw new io.quarkus.security.UnauthorizedException("no authenticated caller");
        }
        return workspace;
    }

    /** {@code key:<id>} or {@code jwt:<subject>}: who did it, in audit entries. */
    public String actor() {
        String actor = identity.getAttribute(CallerIdentity.ACTOR);
        return actor == null ? identity.getPrincipal().getName() : actor;
    }

    /** The scopes the caller holds. */
    public Set<String> scopes() {
        return identity.getRoles();
    }

    public boolean has(Scope scope) {
        return identity.hasRole(scope.value());
    }

    public boolean mayReadPii() {
        return has(Scope.PII_READ);
    }

    /** The caller as the PII gate sees it. */
    public PiiGuard.Reader reader() {
        return new PiiGuard.Reader(workspace(), actor(), mayReadPii());
    }
}
