package io.portrait.ingestion.config;

import io.portrait.common.identifier.IdentifierNormalizer;
import io.portrait.common.money.WorkspaceCurrencies;
import io.portrait.ingestion.engine.AttributeCleaner;
import io.portrait.ingestion.engine.EventCleaner;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.regex.Pattern;

/** Builds the plain-Java engines from configuration. */
public class EngineProducers {

    @Produces
    @Singleton
    EventCleaner eventCleaner(IngestionConfig config) {
        List<Pattern> blocked = config.blockedIdentifierPatterns().orElse(List.of()).stream()
                .map(Pattern::compile).toList();
        return new EventCleaner(new IdentifierNormalizer(config.defaultRegion(), blocked), config.maxFutureSkew(),
                new AttributeCleaner(new WorkspaceCurrencies("portrait.ingestion", config.defaultCurrency(),
                        config.workspaceCurrency())), config.maxEventBytes());
    }
}
