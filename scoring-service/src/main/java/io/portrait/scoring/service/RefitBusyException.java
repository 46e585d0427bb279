package io.portrait.scoring.service;

/** Another refit of the workspace holds the lease. */
public class RefitBusyException extends RuntimeException {

    public RefitBusyException(String workspace) {
        // An answer to the caller, not a fault: no stack trace to fill on every request.
        super("a refit of workspace " + workspace + " is already running", null, false, false);
    }
}
