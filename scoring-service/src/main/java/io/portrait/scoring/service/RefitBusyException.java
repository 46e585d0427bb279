package io.portrait.scoring.service;

/** Another refit of the workspace holds the lease. */
public class RefitBusyException extends RuntimeException {

    public RefitBusyException(String workspace) {
        super("a refit of workspace " + workspace + " is already running");
    }
}
