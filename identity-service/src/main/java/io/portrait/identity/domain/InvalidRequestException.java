package io.portrait.identity.domain;

/** The caller sent something that can never succeed; {@code field} names the offending request field. */
public class InvalidRequestException extends RuntimeException {

    private final String field;

    public InvalidRequestException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
