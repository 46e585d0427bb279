package io.portrait.identity.service;

/** Another transaction changed what this one read; the whole resolution transaction is retried. */
class ConcurrentChangeException extends RuntimeException {

    ConcurrentChangeException(String message) {
        super(message, null, false, false);
    }
}
