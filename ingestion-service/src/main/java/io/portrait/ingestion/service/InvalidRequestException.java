package io.portrait.ingestion.service;

/** A request the service cannot take as a whole; {@code field} names the offending request field. */
public class InvalidRequestException extends RuntimeException {

    private final String field;

    public InvalidRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
