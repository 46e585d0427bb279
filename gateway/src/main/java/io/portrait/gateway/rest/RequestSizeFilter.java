package io.portrait.gateway.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portrait.gateway.config.GatewayConfig;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.regex.Pattern;

/**
 * Refuses a body over its route's limit from its declared length, before reading any of it, and says so as
 * problem+json. Uploads (a chunk of an import file, a catalog import) may reach the HTTP layer's limit
 * ({@code quarkus.http.limits.max-body-size}, which also holds bodies sent without a length, refusing them without
 * a body); every other request is held to {@code portrait.gateway.max-body-size}.
 */
@ApplicationScoped
public class RequestSizeFilter {

    private static final Pattern CHUNK = Pattern.compile("/v1/imports/[^/]+/chunks/[^/]+/?");
    private static final Pattern CATALOG = Pattern.compile("/v1/items/?");

    private final long maxBytes;
    private final long maxUploadBytes;
    private final String problem;
    private final String uploadProblem;

    public RequestSizeFilter(GatewayConfig config,
                             @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxUpload,
                             ObjectMapper mapper) throws JsonProcessingException {
        this.maxBytes = Math.min(config.maxBodySize().asLongValue(), maxUpload.asLongValue());
        this.maxUploadBytes = maxUpload.asLongValue();
        this.problem = problem(mapper, "A request body is at most " + maxBytes + " bytes.", maxBytes);
        this.uploadProblem = problem(mapper, "An upload (an import chunk, a catalog import) is at most "
                + maxUploadBytes + " bytes.", maxUploadBytes);
    }

    private static String problem(ObjectMapper mapper, String detail, long limit) throws JsonProcessingException {
        return mapper.writeValueAsString(new Problem("payload-too-large", "Request too large", 413, detail)
                .with("limit", limit));
    }

    void register(@Observes Filters filters) {
        filters.register(context -> {
            String length = context.request().getHeader("Content-Length");
            boolean upload = isUpload(context.request());
            if (length != null && declared(length) > (upload ? maxUploadBytes : maxBytes)) {
                context.response().setStatusCode(413)
                        .putHeader("Content-Type", Problem.MEDIA_TYPE)
                        .putHeader("Connection", "close")
                        .end(upload ? uploadProblem : problem);
                return;
            }
            context.next();
        }, 200);
    }

    private static boolean isUpload(HttpServerRequest request) {
        String path = request.path();
        return request.method() == HttpMethod.PUT && CHUNK.matcher(path).matches()
                || request.method() == HttpMethod.POST && CATALOG.matcher(path).matches();
    }

    private static long declared(String length) {
        try {
            return Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
