package io.portrait.gateway.service;

/** Names of the attributes every authenticated {@code SecurityIdentity} of the gateway carries. */
public final class CallerIdentity {

    /** The workspace whose data the caller may see; passed on every call to a service. */
    public static final String WORKSPACE = "portrait.workspace";
    /** Who the caller is in audit entries and rate limits: {@code key:<id>} or {@code jwt:<subject>}. */
    public static final String ACTOR = "portrait.actor";
    /** Requests per second the caller may make, when its credential sets its own. */
    public static final String RATE_LIMIT = "portrait.rate-limit";

    private CallerIdentity() {
    }
}
