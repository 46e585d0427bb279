package io.portrait.gateway.engine;

/** A {@code cursor} query parameter that is not the {@code next} of a page this API gave out. */
public class InvalidCursorException extends IllegalArgumentException {

    /** What every list answers for such a cursor, whether the gateway or the service behind it found it out. */
    public static final String MESSAGE = "Query parameter \"cursor\" is not a cursor this API gave out.";

    public InvalidCursorException(Throwable cause) {
        super(MESSAGE, cause);
    }
}
