package io.portrait.scoring.service;

/** No model version (or none yet) in the workspace. */
public class ModelNotFoundException extends RuntimeException {

    public ModelNotFoundException(String message) {
        // An answer to the caller, not a fault: no stack trace to fill on every request.
        super(message, null, false, false);
    }
}
