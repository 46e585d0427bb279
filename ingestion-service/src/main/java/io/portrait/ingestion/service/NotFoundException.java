package io.portrait.ingestion.service;

/** The request names something this workspace does not hold. */
public class NotFoundException extends RuntimeException {

    public NotFoundException(String message) {
        super(message);
    }
}
