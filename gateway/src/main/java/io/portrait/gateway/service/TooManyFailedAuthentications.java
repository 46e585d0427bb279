package io.portrait.gateway.service;

/** The client address used up its failed authentications; it may try again after {@code retryAfterSeconds}. */
public class TooManyFailedAuthentications extends RuntimeException {

    private final long retryAfterSeconds;

    public TooManyFailedAuthentications(long retryAfterSeconds) {
        super("too many failed authentications from this address");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
