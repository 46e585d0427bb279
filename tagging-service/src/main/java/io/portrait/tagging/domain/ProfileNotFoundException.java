package io.portrait.tagging.domain;

/** Nothing is held for the profile in this workspace. */
public class ProfileNotFoundException extends RuntimeException {

    public ProfileNotFoundException(String profileId) {
        super("no features for profile " + profileId);
    }
}
