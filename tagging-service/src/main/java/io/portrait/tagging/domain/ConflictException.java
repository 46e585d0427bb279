package io.portrait.tagging.domain;

/** A request that clashes with the current state, e.g. a code taken or a retired tag (gRPC FAILED_PRECONDITION or ALREADY_EXISTS). */
public class ConflictException extends RuntimeException {

    private final boolean alreadyExists;

    public ConflictException(String message, boolean alreadyExists) {
        // An answer to the caller, not a fault: no stack trace to fill on every request.
        super(message, null, false, false);
        this.alreadyExists = alreadyExists;
    }

    public boolean alreadyExists() {
        return alreadyExists;
    }
}
