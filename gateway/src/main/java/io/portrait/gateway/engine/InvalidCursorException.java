package io.portrait.gateway.engine;

/** A {@code cursor} query parameter that is not the {@code next} of a page this API gave out. */
public class InvalidCursorException extends IllegalArgumentException {

    public InvalidCursorException(Throwable cause) {
        super("Query parameter \"cursor\" is not a cursor this API gave out.", cause);
    }
}
