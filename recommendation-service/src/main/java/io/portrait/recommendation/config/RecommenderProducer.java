package io.portrait.recommendation.config;

import io.portrait.recommendation.engine.Affinity;
import io.portrait.recommendation.engine.ModelSettings;
import io.portrait.recommendation.engine.Recommender;
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
    ModelSettings modelSettings(RecommendationConfig config) {
        return new ModelSettings(config.similarity(), config.halfLife(), config.neighboursPerItem(),
                config.minCooccurrence(), config.repeatWeight(), config.popularGroupSize());
    }

    @Produces
    @Singleton
    Affinity affinity(RecommendationConfig config) {
        return new Affinity(config.halfLife());
    }

    @Produces
    @Singleton
    Recommender recommender() {
        return new Recommender();
    }

    @Produces
    @DefaultBean
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
