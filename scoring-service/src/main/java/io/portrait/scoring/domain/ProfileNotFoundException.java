package io.portrait.scoring.domain;

/** Nothing is held for the profile in this workspace. */
public class ProfileNotFoundException extends RuntimeException {

    public ProfileNotFoundException(String profileId) {
        super("no purchases for profile " + profileId);
    }
}
