package io.portrait.ingestion.service;

import io.portrait.common.polling.Wakeup;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Wakes this replica's loops when work appears here; work appearing on other replicas is found by polling.
 */
@ApplicationScoped
public class EventSignals {

    private final Wakeup accepted = new Wakeup();
    private final Wakeup resolved = new Wakeup();

    /** New events were stored: the resolve worker has work. */
    public Wakeup accepted() {
        return accepted;
    }

    /** Events were resolved and their outbox entries written: relays and waiting requests have news. */
    public Wakeup resolved() {
        return resolved;
    }
}
