package io.portrait.tagging.domain;

/** A request that clashes with the current state, e.g. a code taken or a retired tag (gRPC FAILED_PRECONDITION or ALREADY_EXISTS). */
public class ConflictException extends RuntimeException {

    private final boolean alreadyExists;

    public ConflictException(String message, boolean alreadyExists) {
        super(message);
        this.alreadyExists = alreadyExists;
    }

    public boolean alreadyExists() {
        return alreadyExists;
    }
}
