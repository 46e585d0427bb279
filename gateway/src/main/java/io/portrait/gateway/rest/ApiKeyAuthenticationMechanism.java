package io.portrait.gateway.rest;

import io.portrait.gateway.service.ApiKeyAuthenticationRequest;
import io.portrait.gateway.service.FailedAuthentications;
import io.portrait.gateway.service.TooManyFailedAuthentications;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.smallrye.mutiny.Uni;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.Set;

/**
 * API keys in the {@code X-API-Key} header. A request without the header is left to the other mechanism
 * (bearer JWTs); one with a bad key fails, whatever else it carries. A client address that failed too often is
 * refused before its key is looked up ({@link FailedAuthentications}).
 */
@ApplicationScoped
public class ApiKeyAuthenticationMechanism implements HttpAuthenticationMechanism {

    public static final String HEADER = "X-API-Key";

    private final FailedAuthentications failures;

    public ApiKeyAuthenticationMechanism(FailedAuthentications failures) {
        this.failures = failures;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        String token = context.request().getHeader(HEADER);
        if (token == null) {
            return Uni.createFrom().optional(Optional.empty());
        }
        return verify(token, context, identityProviderManager, failures);
    }

    /**
     * The caller holding the given API key, looked up as every key is, whichever way it came: an address that failed
     * too often is refused before the lookup, and a success clears its failures.
     */
    static Uni<SecurityIdentity> verify(String token, RoutingContext context, IdentityProviderManager identityProviderManager,
                                        FailedAuthentications failures) {
        SocketAddress remote = context.request().remoteAddress();
        String address = remote == null ? "unknown" : remote.hostAddress();
        long wait = failures.attempt(address, System.nanoTime());
        if (wait > 0) {
            return Uni.createFrom().failure(new TooManyFailedAuthentications(wait));
        }
        return identityProviderManager.authenticate(new ApiKeyAuthenticationRequest(token.strip()))
                .invoke(() -> failures.succeeded(address));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "ApiKey header=\"" + HEADER + "\""));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ApiKeyAuthenticationRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.OTHER_HEADER, HEADER));
    }
}
