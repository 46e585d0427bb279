package io.portrait.recommendation.domain;

/**
 * A request field is missing or out of range; {@link #field()} names it as the contract does. One of the checks every
 * sink shares ({@link io.portrait.common.sink.InvalidRequestException}), so both answer INVALID_ARGUMENT alike.
 */
public class InvalidRequestException extends io.portrait.common.sink.InvalidRequestException {

    private final String field;

    public InvalidRequestException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
