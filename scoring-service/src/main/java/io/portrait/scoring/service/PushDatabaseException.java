package io.portrait.scoring.service;

/**
 * A step of a model-tag push failed on scoring's own database (renewing the refit's lease before a call, reading
 * the version's scores), not on tagging: the push stops, and its error says which step and why, so an operator
 * looks at scoring's database rather than at tagging.
 */
class PushDatabaseException extends RuntimeException {

    PushDatabaseException(String step, Throwable cause) {
        super("push stopped: " + step + " (database error: " + cause.getMessage() + ")", cause);
    }
}
