package io.portrait.gateway.rest;

import io.portrait.gateway.service.ApiKeyAuthenticationRequest;
import io.portrait.gateway.service.FailedAuthentications;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * Segment's SDKs send their write key as the HTTP Basic user name, with an empty password. On the Segment-compatible
 * paths ({@link #PATH}) only, that user name is taken as a Portrait API key and verified exactly as the
 * {@code X-API-Key} header ({@link ApiKeyAuthenticationMechanism#verify}): same lookup, workspace, scopes and
 * failure limit. Everywhere else a Basic header is no credential, so it cannot become a second way into the API.
 */
@ApplicationScoped
public class SegmentWriteKeyAuthenticationMechanism implements HttpAuthenticationMechanism {

    public static final String PATH = "/compat/segment/";

    private static final String BASIC = "basic ";

    private final FailedAuthentications failures;

    public SegmentWriteKeyAuthenticationMechanism(FailedAuthentications failures) {
        this.failures = failures;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        String authorization = context.request().getHeader("Authorization");
        if (authorization == null || !context.normalizedPath().startsWith(PATH)
                || !authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
            return Uni.createFrom().optional(Optional.empty());
        }
        String key;
        try {
            key = writeKey(authorization.substring(BASIC.length()).strip());
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(new AuthenticationFailedException("Basic credentials are not Base64"));
        }
        if (key.isEmpty()) {
            return Uni.createFrom().failure(new AuthenticationFailedException("no write key in the Basic user name"));
        }
        return ApiKeyAuthenticationMechanism.verify(key, context, identityProviderManager, failures);
    }

    /** The user name of Basic credentials ({@code base64(user ":" password)}); the password is not used. */
    static String writeKey(String credentials) {
        String decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return (colon < 0 ? decoded : decoded.substring(0, colon)).strip();
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Basic realm=\"portrait\""));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ApiKeyAuthenticationRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, "basic"));
    }
}
