package io.portrait.gateway.service;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Turns a presented API key into the caller: the key's scopes as roles, and its workspace. */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<ApiKeyAuthenticationRequest> {

    private final ApiKeyService keys;

    public ApiKeyIdentityProvider(ApiKeyService keys) {
        this.keys = keys;
    }

    @Override
    public Class<ApiKeyAuthenticationRequest> getRequestType() {
        return ApiKeyAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ApiKeyAuthenticationRequest request, AuthenticationRequestContext context) {
        return keys.verify(request.token()).map(found -> {
            var key = found.orElseThrow(() -> new AuthenticationFailedException("unknown, revoked or wrong API key"));
            QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal("key:" + key.id()))
                    .addRoles(new java.util.HashSet<>(key.scopes()))
                    .addAttribute(CallerIdentity.WORKSPACE, key.workspace())
                    .addAttribute(CallerIdentity.ACTOR, "key:" + key.id());
            if (key.rateLimit() != null) {
                identity.addAttribute(CallerIdentity.RATE_LIMIT, key.rateLimit());
            }
            return identity.build();
        });
    }
}
