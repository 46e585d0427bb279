package io.portrait.gateway.rest;

import io.grpc.Status;
import io.portrait.gateway.engine.InvalidCursorException;

import java.util.List;

/** The one place where a gRPC status from a service becomes an HTTP problem. */
public final class GrpcProblems {

    /**
     * How the services name the field of a request that holds the cursor of a list, in front of what is wrong with it
     * (ingestion's and tagging's page token, identity's cursor).
     */
    private static final List<String> CURSOR_FIELDS = List.of("page_token:", "cursor:");

    private GrpcProblems() {
    }

    public static Problem toProblem(Status status) {
        String detail = status.getDescription();
        return switch (status.getCode()) {
            case INVALID_ARGUMENT, OUT_OF_RANGE -> Problem.invalidRequest(aboutPageToken(detail)
                    ? InvalidCursorException.MESSAGE : orDefault(detail, "The request is not valid."));
            case NOT_FOUND -> new Problem("not-found", "Not found", 404,
                    orDefault(detail, "Nothing matches the request."));
            case ALREADY_EXISTS, ABORTED, FAILED_PRECONDITION -> new Problem("conflict", "Conflict", 409,
                    orDefault(detail, "The request conflicts with the current state."));
            case PERMISSION_DENIED -> new Problem("forbidden", "Forbidden", 403,
                    orDefault(detail, "The caller may not do this."));
            case UNAUTHENTICATED -> new Problem("unauthenticated", "Unauthenticated", 401,
                    orDefault(detail, "Credentials are missing or not valid."));
            case RESOURCE_EXHAUSTED -> new Problem("too-many-requests", "Too many requests", 429,
                    orDefault(detail, "Slow down and retry later."));
            case UNAVAILABLE -> new Problem("service-unavailable", "Service unavailable", 503,
                    "A backing service is unavailable; retry later.");
            case DEADLINE_EXCEEDED -> new Problem("timeout", "Timeout", 504,
                    "A backing service did not answer in time; retry later.");
            default -> new Problem("internal", "Internal error", 500,
                    "The request failed unexpectedly; it can be retried.");
        };
    }

    /**
     * A service's page token or cursor is the API's cursor handed through as is, so a service refusing it
     * ("page_token: not a page token of this service") is refused as the gateway refuses a cursor it did not give out.
     */
    private static boolean aboutPageToken(String detail) {
        return detail != null && CURSOR_FIELDS.stream().anyMatch(detail::startsWith);
    }

    private static String orDefault(String detail, String fallback) {
        return detail == null || detail.isBlank() ? fallback : detail;
    }
}
