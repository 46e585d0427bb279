package io.portrait.tagging.domain;

/**
 * A push of model scores of an older model version than the one tagging already holds of the tag: a newer model
 * has published its scores, which the older ones must not overwrite (gRPC FAILED_PRECONDITION, with the contract's
 * reason {@code TaggingErrorReason.MODEL_VERSION_SUPERSEDED} so that scoring tells it from the tag's own
 * preconditions and stops pushing the older model).
 */
public class StaleModelVersionException extends RuntimeException {

    public StaleModelVersionException(String tagCode, String pushed, long held) {
        // An answer to the caller, not a fault: no stack trace to fill on every request.
        super("model_version " + pushed + " of tag '" + tagCode + "' is older than v" + held
                + ", whose scores tagging already holds: a newer model has published", null, false, false);
    }
}
