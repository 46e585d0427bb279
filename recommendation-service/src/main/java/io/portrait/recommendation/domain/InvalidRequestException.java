package io.portrait.recommendation.domain;

/** A request field is missing or out of range; {@link #field()} names it as the contract does. */
public class InvalidRequestException extends RuntimeException {

    private final String field;

    public InvalidRequestException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
