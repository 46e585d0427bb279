package io.portrait.common.sink;

/** A request the caller must fix; the message names the offending field. */
public class InvalidRequestException extends RuntimeException {

    public InvalidRequestException(String message) {
        // An answer to the caller, not a fault: no stack trace to fill on every request.
        super(message, null, false, false);
    }
}
