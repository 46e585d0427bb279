package io.portrait.gateway.rest;

import io.portrait.gateway.engine.TokenBucket;
import io.portrait.gateway.service.CallerIdentity;
import io.portrait.gateway.service.RateLimiter;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Answers 429 with Retry-After once a caller has used up its token bucket; anonymous calls are denied elsewhere. */
public class RateLimitFilter {

    private final CurrentIdentityAssociation identities;
    private final RateLimiter limiter;

    public RateLimitFilter(CurrentIdentityAssociation identities, RateLimiter limiter) {
        this.identities = identities;
        this.limiter = limiter;
    }

    @ServerRequestFilter
    public Uni<Response> limit() {
        return identities.getDeferredIdentity()
                .onFailure().recoverWithNull()
                .map(identity -> {
                    if (identity == null || identity.isAnonymous()) {
                        return null;
                    }
                    String actor = identity.getAttribute(CallerIdentity.ACTOR);
                    Integer own = identity.getAttribute(CallerIdentity.RATE_LIMIT);
                    TokenBucket.Decision decision = limiter.take(actor == null ? identity.getPrincipal().getName() : actor, own);
                    if (decision.allowed()) {
                        return null;
                    }
                    long seconds = Math.max(1, (decision.retryAfterNanos() + 999_999_999L) / 1_000_000_000L);
                    int rate = own == null ? limiter.defaultRate() : own;
                    return Response.status(429).type(Problem.MEDIA_TYPE)
                            .header("Retry-After", seconds)
                            .entity(new Problem("too-many-requests", "Too many requests", 429,
                                    "This credential may make " + rate + " requests per second; retry after "
                                            + seconds + " s.").with("limit", rate))
                            .build();
                });
    }
}
