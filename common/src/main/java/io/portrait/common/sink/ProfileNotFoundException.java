package io.portrait.common.sink;

/** Nothing is held for the profile in this workspace. */
public class ProfileNotFoundException extends RuntimeException {

    /** @param held what the sink keeps per profile, for the message: "no {held} for profile {id}" */
    public ProfileNotFoundException(String held, String profileId) {
        super("no " + held + " for profile " + profileId);
    }
}
