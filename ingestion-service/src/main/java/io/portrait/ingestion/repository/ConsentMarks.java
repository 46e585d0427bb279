package io.portrait.ingestion.repository;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.bson.conversions.Bson;

import static io.portrait.ingestion.repository.EventDocuments.CARRIES_CONSENT;

/**
 * Marks whether they carry consent ({@link EventDocuments#CARRIES_CONSENT}) on the events stored by earlier versions,
 * which lack the mark: once, in the background after the start, so that reading a profile's consent is served by the
 * {@code consent_timeline} index alone. Nothing waits for it: {@link EventDocuments#carryingConsent()} finds unmarked
 * events too, so the answer is the same before, during and after the pass. That it is done is recorded as a
 * checkpoint, so later starts do not scan the events again (see {@link OneOffPasses}).
 */
@ApplicationScoped
public class ConsentMarks {

    /** The checkpoint recording that the pass over the events stored before the mark existed is done. */
    static final String DONE = "events.carries_consent.marked";

    private final IngestionStore store;
    private final OneOffPasses passes;

    public ConsentMarks(IngestionStore store, OneOffPasses passes) {
        this.store = store;
        this.passes = passes;
    }

    void markInBackground(@Observes StartupEvent startup) {
        passes.runOnce(DONE, this::markUnmarked,
                "marked %d events stored by earlier versions with whether they carry consent",
                "events stored by earlier versions not marked with whether they carry consent (consent is still read "
                        + "right, by a wider index range; tried again at the next start)");
    }

    /**
     * Marks every event that lacks the mark; answers how many it marked. Each update sets the mark from the document's
     * own consent list, so it is right whenever it runs, however often, and beside writers of any version (an event
     * stored meanwhile either carries the mark already or is marked by what it holds).
     */
    public Uni<Long> markUnmarked() {
        Bson unmarked = Filters.exists(CARRIES_CONSENT, false);
        return store.events().updateMany(Filters.and(unmarked, Filters.exists("consent.0")),
                        Updates.set(CARRIES_CONSENT, true))
                .flatMap(carrying -> store.events()
                        .updateMany(Filters.and(unmarked, Filters.exists("consent.0", false)),
                                Updates.set(CARRIES_CONSENT, false))
                        .map(rest -> carrying.getModifiedCount() + rest.getModifiedCount()));
    }
}
