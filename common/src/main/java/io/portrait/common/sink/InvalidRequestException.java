package io.portrait.common.sink;

/** A request the caller must fix; the message names the offending field. */
public class InvalidRequestException extends RuntimeException {

    public InvalidRequestException(String message) {
        super(message);
    }
}
