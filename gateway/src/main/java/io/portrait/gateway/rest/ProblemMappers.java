package io.portrait.gateway.rest;

import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.portrait.gateway.engine.InvalidCursorException;
import io.portrait.gateway.engine.JsonErrors;
import io.portrait.gateway.service.TooManyFailedAuthentications;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves the gateway as application/problem+json. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(e.problem());
    }

    @ServerExceptionMapper
    public Response grpc(StatusRuntimeException e) {
        return fromGrpc(e.getStatus());
    }

    @ServerExceptionMapper
    public Response grpcChecked(StatusException e) {
        return fromGrpc(e.getStatus());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, HttpHeaders headers) {
        if (e instanceof NotFoundException && e.getCause() instanceof IllegalArgumentException wrongType) {
            // JAX-RS answers 404 for a query or path parameter it cannot convert (limit=abc): that is a bad request.
            return respond(Problem.invalidRequest("A query or path parameter is not of its type (" + wrongType.getMessage()
                            + "); see the operation's parameters in the OpenAPI document at /q/openapi."));
        }
        if (e.getCause() instanceof com.fasterxml.jackson.core.JsonProcessingException unreadable) {
            // The REST layer wraps what Jackson could not read in a bare 400; say what and where, as POST /v1/events.
            return unreadableBody(unreadable);
        }
        int status = e.getResponse().getStatus();
        if (status == 415) {
            String sent = headers.getHeaderString(HttpHeaders.CONTENT_TYPE);
            return respond(new Problem("unsupported-media-type", "Unsupported Media Type", 415,
                    "This operation does not take a body of Content-Type " + (sent == null ? "(none sent)" : "'" + sent + "'")
                            + "; most take application/json, see the operation in the OpenAPI document at /q/openapi."));
        }
        String title = Response.Status.fromStatusCode(status) == null
                ? "Error" : Response.Status.fromStatusCode(status).getReasonPhrase();
        String slug = switch (status) {
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 415 -> "unsupported-media-type";
            default -> status >= 500 ? "internal" : "invalid-request";
        };
        return respond(new Problem(slug, title, status, e.getMessage()));
    }

    @ServerExceptionMapper
    public Response invalidCursor(InvalidCursorException e) {
        return respond(Problem.invalidRequest(e.getMessage()));
    }

    @ServerExceptionMapper
    public Response tooManyFailures(TooManyFailedAuthentications e) {
        return Response.status(429).type(Problem.MEDIA_TYPE)
                .header("Retry-After", e.retryAfterSeconds())
                .entity(new Problem("too-many-failed-authentications", "Too many failed authentications", 429,
                        "This address sent too many unknown, revoked or wrong API keys; retry after "
                                + e.retryAfterSeconds() + " s."))
                .build();
    }

    @ServerExceptionMapper({AuthenticationFailedException.class, UnauthorizedException.class,
            AuthenticationCompletionException.class})
    public Response unauthenticated(UriInfo uri) {
        if (("/" + uri.getPath()).replace("//", "/").startsWith(SegmentWriteKeyAuthenticationMechanism.PATH)) {
            // Segment's SDKs only know Basic credentials: say what they must hold there.
            return Response.status(401).type(Problem.MEDIA_TYPE)
                    .header("WWW-Authenticate", "Basic realm=\"portrait\"")
                    .entity(new Problem("unauthenticated", "Unauthenticated", 401,
                            "Send a Portrait API key as the HTTP Basic user name (the SDK's write key) with an empty "
                                    + "password; the one sent is missing, unknown, revoked or expired."))
                    .build();
        }
        return Response.status(401).type(Problem.MEDIA_TYPE)
                .header("WWW-Authenticate", "ApiKey header=\"" + ApiKeyAuthenticationMechanism.HEADER + "\", Bearer")
                .entity(new Problem("unauthenticated", "Unauthenticated", 401,
                        "Send an API key in the X-API-Key header or a bearer token in Authorization; "
                                + "the one sent is missing, unknown, revoked or expired."))
                .build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return respond(new Problem("forbidden", "Forbidden", 403,
                "The credential does not hold the scope this operation needs."));
    }

    /** A body that is not JSON of the shape the endpoint takes (e.g. a text where a boolean belongs). */
    @ServerExceptionMapper({com.fasterxml.jackson.core.JsonProcessingException.class,
            com.fasterxml.jackson.databind.exc.MismatchedInputException.class,
            com.fasterxml.jackson.databind.exc.InvalidFormatException.class})
    public Response unreadableBody(com.fasterxml.jackson.core.JsonProcessingException e) {
        if (e instanceof com.fasterxml.jackson.core.exc.StreamReadException) {
            return respond(new Problem("malformed-json", "Malformed JSON", 400,
                    "The body is not valid JSON: " + JsonErrors.describe(e)));
        }
        return respond(Problem.invalidRequest("The body is not JSON of the shape this endpoint takes: " + JsonErrors.describe(e)));
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        Log.errorf(e, "unexpected failure");
        return respond(new Problem("internal", "Internal error", 500, "The request failed unexpectedly; it can be retried."));
    }

    private static Response fromGrpc(io.grpc.Status status) {
        Problem problem = GrpcProblems.toProblem(status);
        if (problem.getStatus() >= 500) {
            Log.warnf("backing service answered %s", status.getCode());
        }
        return respond(problem);
    }

    static Response respond(Problem problem) {
        return Response.status(problem.getStatus()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
