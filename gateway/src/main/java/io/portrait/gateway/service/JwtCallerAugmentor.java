package io.portrait.gateway.service;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Gives a caller authenticated by a bearer JWT its workspace (claim {@code workspace}, required) and actor.
 * Its roles are already the token's scopes (claim {@code scope}, space-separated, as in OAuth 2).
 */
@ApplicationScoped
public class JwtCallerAugmentor implements SecurityIdentityAugmentor {

    public static final String WORKSPACE_CLAIM = "workspace";

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return Uni.createFrom().item(identity);
        }
        Object workspace = jwt.getClaim(WORKSPACE_CLAIM);
        if (!(workspace instanceof String) && workspace != null) {
            workspace = workspace.toString().replaceAll("^\"|\"$", "");
        }
        if (workspace == null || workspace.toString().isBlank()) {
            return Uni.createFrom().failure(new AuthenticationFailedException("token has no workspace claim"));
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder(identity)
                .addAttribute(CallerIdentity.WORKSPACE, workspace.toString())
                .addAttribute(CallerIdentity.ACTOR, "jwt:" + jwt.getSubject())
                .build());
    }
}
