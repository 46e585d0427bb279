package io.portrait.identity.domain;

/**
 * An operation on the graph (resolving a sighting, an operator's unbind, unmerge, erasure or review decision) kept
 * colliding with concurrent ones until its retries ran out; nothing of it was committed, and the caller should
 * retry later.
 */
public class ContentionException extends RuntimeException {

    public ContentionException(String operation, int attempts, Throwable lastConflict) {
        super(operation + " still conflicted after " + attempts + " attempts", lastConflict);
    }
}
