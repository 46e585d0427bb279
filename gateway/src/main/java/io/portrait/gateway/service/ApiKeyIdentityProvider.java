package io.portrait.gateway.service;

import io.portrait.gateway.domain.ApiKey;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a presented API key into the caller: the key's scopes as roles, and its workspace.
 * <p>
 * The caller built for a key is kept as long as {@link ApiKeyService} hands out the very same key object, i.e.
 * until that key's cache entry expires or a rotation or revocation drops it: a caller is immutable, so building it
 * again for every request of the same key only cost time, and it can never outlive the key it was built from.
 */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<ApiKeyAuthenticationRequest> {

    /** Past this many keys the callers are forgotten and built again, as the key cache does. */
    private static final int MAX_CALLERS = 100_000;

    private record Caller(ApiKey key, SecurityIdentity identity) {
    }

    private final ApiKeyService keys;
    private final Map<String, Caller> callers = new ConcurrentHashMap<>();

    public ApiKeyIdentityProvider(ApiKeyService keys) {
        this.keys = keys;
    }

    @Override
    public Class<ApiKeyAuthenticationRequest> getRequestType() {
        return ApiKeyAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ApiKeyAuthenticationRequest request, AuthenticationRequestContext context) {
        return keys.verify(request.token()).map(found -> caller(
                found.orElseThrow(() -> new AuthenticationFailedException("unknown, revoked or wrong API key"))));
    }

    private SecurityIdentity caller(ApiKey key) {
        Caller known = callers.get(key.id());
        if (known != null && known.key() == key) {
            return known.identity();
        }
        SecurityIdentity identity = identity(key);
        if (callers.size() > MAX_CALLERS) {
            callers.clear();
        }
        callers.put(key.id(), new Caller(key, identity));
        return identity;
    }

    static SecurityIdentity identity(ApiKey key) {
        QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal("key:" + key.id()))
                .addRoles(new HashSet<>(key.scopes()))
                .addAttribute(CallerIdentity.WORKSPACE, key.workspace())
                .addAttribute(CallerIdentity.ACTOR, "key:" + key.id());
        if (key.rateLimit() != null) {
            identity.addAttribute(CallerIdentity.RATE_LIMIT, key.rateLimit());
        }
        return identity.build();
    }
}
