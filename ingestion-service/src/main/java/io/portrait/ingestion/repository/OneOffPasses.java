package io.portrait.ingestion.repository;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.function.Supplier;

/**
 * Runs a pass that brings the documents stored by earlier versions up to what this version writes (a mark, the
 * lookup hashes) once, in the background after the start: nothing waits for it. That it is done is recorded as a
 * checkpoint, so later starts do not go over the documents again; a pass that fails is logged and run again at the
 * next start. So a pass must give the same result however often it runs, beside writers of any version and the
 * same pass running on other replicas: each write derives what it sets from the document alone, and only where it
 * is still missing.
 */
@ApplicationScoped
public class OneOffPasses {

    private final CheckpointRepository checkpoints;

    public OneOffPasses(CheckpointRepository checkpoints) {
        this.checkpoints = checkpoints;
    }

    /**
     * Runs {@code pass} unless the checkpoint says it is done, then records it done.
     *
     * @param pass   answers how many documents it changed
     * @param done   the log line once it ran, a format taking that count
     * @param failed the log line when it failed, saying what holds meanwhile; the failure is appended
     */
    public void runOnce(String checkpoint, Supplier<Uni<Long>> pass, String done, String failed) {
        checkpoints.get(checkpoint)
                .flatMap(ran -> ran > 0 ? Uni.createFrom().<Long>nullItem()
                        : pass.get().call(changed -> checkpoints.advance(checkpoint, 1)))
                .subscribe().with(changed -> {
                    if (changed != null) {
                        Log.infof(done, changed);
                    }
                }, failure -> Log.warnf("%s: %s", failed, failure.toString()));
    }
}
