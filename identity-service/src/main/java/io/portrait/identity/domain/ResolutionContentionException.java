package io.portrait.identity.domain;

/** A sighting kept colliding with concurrent resolutions; the caller should retry later. */
public class ResolutionContentionException extends RuntimeException {

    public ResolutionContentionException(String eventId, int attempts, Throwable lastConflict) {
        super("event " + eventId + " still conflicted after " + attempts + " attempts", lastConflict);
    }
}
