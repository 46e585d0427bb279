package io.portrait.scoring.service;

import io.portrait.scoring.domain.ModelFitRecord;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Scheduled refits of every workspace. Each replica runs the schedule; the per-workspace lease makes one of them
 * do the work.
 */
@ApplicationScoped
public class RefitJob {

    private final ScoreService scores;

    RefitJob(ScoreService scores) {
        this.scores = scores;
    }

    @Scheduled(every = "${portrait.scoring.refit.every}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> refitAll() {
        return scores.refitAll(ModelFitRecord.SCHEDULED);
    }
}
