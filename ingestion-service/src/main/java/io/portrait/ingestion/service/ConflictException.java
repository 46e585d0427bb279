package io.portrait.ingestion.service;

/** The request does not fit the current state of what it names (e.g. completing an upload with chunks missing). */
public class ConflictException extends RuntimeException {

    public ConflictException(String message) {
        super(message);
    }
}
