package io.portrait.identity.domain;

/** No profile in the workspace answers to the given id or identifier. */
public class ProfileNotFoundException extends RuntimeException {

    public ProfileNotFoundException(String message) {
        super(message);
    }
}
