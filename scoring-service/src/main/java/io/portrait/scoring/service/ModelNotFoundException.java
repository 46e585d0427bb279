package io.portrait.scoring.service;

/** No model version (or none yet) in the workspace. */
public class ModelNotFoundException extends RuntimeException {

    public ModelNotFoundException(String message) {
        super(message);
    }
}
