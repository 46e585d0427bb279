package io.portrait.ingestion.repository;

import io.portrait.ingestion.engine.EventCleaner;
import io.portrait.proto.event.v1.Identifier;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * The lookup hashes of the identifiers an event was sent with, normalized as an accepted event's are, so that what
 * is kept of an event that was not accepted (a rejected event in quarantine, a row of an import not run yet) is found
 * by the same hashes as the person's stored events: an erasure or an export names the person by them. Identifiers
 * that cannot be normalized identify nobody and have none.
 */
@ApplicationScoped
public class IdentifierHashes {

    private final EventCleaner cleaner;
    private final StoredValues values;

    public IdentifierHashes(EventCleaner cleaner, StoredValues values) {
        this.cleaner = cleaner;
        this.values = values;
    }

    /** Each distinct hash once, in the order the identifiers were sent. */
    public List<String> of(List<Identifier> sent) {
        return cleaner.normalizable(sent).stream().map(i -> values.hash(i.type(), i.value())).distinct().toList();
    }
}
