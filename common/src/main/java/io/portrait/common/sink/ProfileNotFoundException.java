package io.portrait.common.sink;

/** Nothing is held for the profile in this workspace. */
public class ProfileNotFoundException extends RuntimeException {

    /** @param held what the sink keeps per profile, for the message: "no {held} for profile {id}" */
    public ProfileNotFoundException(String held, String profileId) {
        // An answer to the caller, not a fault: no stack trace to fill on every request.
        super("no " + held + " for profile " + profileId, null, false, false);
    }
}
