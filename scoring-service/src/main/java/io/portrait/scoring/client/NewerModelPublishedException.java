package io.portrait.scoring.client;

/**
 * Tagging refused a push of model scores because it already holds the tag's scores of a newer model version: a
 * newer refit of the workspace has published, and this refit's scores must not overwrite them. Not a failure of the
 * push to retry: the refit stops pushing and gives way, as one whose lease passed to another replica does.
 */
public class NewerModelPublishedException extends RuntimeException {

    public NewerModelPublishedException(String refusal, Throwable cause) {
        // An answer, not a fault: no stack trace to fill.
        super(refusal, cause, false, false);
    }
}
