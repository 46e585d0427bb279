package io.portrait.tagging.domain;

/** A tag, category, version or job that does not exist in the workspace (gRPC NOT_FOUND). */
public class NotFoundException extends RuntimeException {

    public NotFoundException(String message) {
        // An answer to the caller, not a fault: no stack trace to fill on every request.
        super(message, null, false, false);
    }
}
