package io.portrait.recommendation.config;

import io.portrait.recommendation.engine.CooccurrenceRecommender;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/** Wires the plain-Java engine and the clock into CDI. */
@Dependent
public class RecommenderProducer {

    @Produces
    @Singleton
    CooccurrenceRecommender recommender(RecommendationConfig config) {
        return new CooccurrenceRecommender(config.halfLife(), config.excludePurchased());
    }

    @Produces
    @DefaultBean
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
