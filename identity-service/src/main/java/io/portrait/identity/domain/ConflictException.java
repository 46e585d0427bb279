package io.portrait.identity.domain;

/** The request cannot apply to the current state (a merge undone already); answered as FAILED_PRECONDITION. */
public class ConflictException extends RuntimeException {

    public ConflictException(String message) {
        super(message);
    }
}
