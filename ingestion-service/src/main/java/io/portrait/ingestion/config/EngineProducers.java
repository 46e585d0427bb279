package io.portrait.ingestion.config;

import io.portrait.common.identifier.IdentifierNormalizer;
import io.portrait.ingestion.engine.EventCleaner;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.List;

/** Builds the plain-Java engines from configuration. */
public class EngineProducers {

    @Produces
    @Singleton
    EventCleaner eventCleaner(IngestionConfig config) {
        return new EventCleaner(new IdentifierNormalizer(config.defaultRegion(), List.of()), config.maxFutureSkew());
    }
}
