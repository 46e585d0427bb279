package io.portrait.gateway.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses a body over the HTTP limit from its declared length, before reading any of it, and says so as
 * problem+json (the HTTP layer's own refusal, for bodies without a length, has no body).
 */
@ApplicationScoped
public class RequestSizeFilter {

    private final long maxBytes;
    private final String problem;

    public RequestSizeFilter(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize max,
                             ObjectMapper mapper) throws JsonProcessingException {
        this.maxBytes = max.asLongValue();
        this.problem = mapper.writeValueAsString(new Problem("payload-too-large", "Request too large", 413,
                "A request body is at most " + maxBytes + " bytes.").with("limit", maxBytes));
    }

    void register(@Observes Filters filters) {
        filters.register(context -> {
            String length = context.request().getHeader("Content-Length");
            if (length != null && tooLarge(length)) {
                context.response().setStatusCode(413)
                        .putHeader("Content-Type", Problem.MEDIA_TYPE)
                        .putHeader("Connection", "close")
                        .end(problem);
                return;
            }
            context.next();
        }, 200);
    }

    private boolean tooLarge(String length) {
        try {
            return Long.parseLong(length.strip()) > maxBytes;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
