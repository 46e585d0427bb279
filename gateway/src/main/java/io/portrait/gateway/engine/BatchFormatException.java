package io.portrait.gateway.engine;

/** The batch as a whole cannot be read: not JSON, not the expected shape, or over a limit. */
public class BatchFormatException extends RuntimeException {

    public enum Reason { MALFORMED_JSON, INVALID_SHAPE, TOO_MANY_EVENTS, EVENT_TOO_LARGE }

    private final Reason reason;

    public BatchFormatException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
