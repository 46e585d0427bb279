package io.portrait.recommendation.service;

import io.portrait.recommendation.repository.InteractionRepository;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

/**
 * Writes the per-profile history documents from the aggregates on the first start of a store that has none yet
 * (after the indexes, in the background: meanwhile a profile's history holds only what changed since).
 */
@ApplicationScoped
public class HistoryBackfill {

    private final InteractionRepository interactions;

    HistoryBackfill(InteractionRepository interactions) {
        this.interactions = interactions;
    }

    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent event) {
        interactions.backfillHistories().subscribe().with(
                copied -> {
                    if (copied > 0) {
                        Log.infof("Profile histories written from %d interactions", copied);
                    }
                },
                failure -> Log.errorf("Profile histories could not be written from the interactions: %s",
                        failure.getMessage()));
    }
}
