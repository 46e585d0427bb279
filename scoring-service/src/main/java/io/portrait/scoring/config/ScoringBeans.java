package io.portrait.scoring.config;

import io.portrait.common.money.WorkspaceCurrencies;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The plain-Java parts of scoring that are built once from its configuration. */
public class ScoringBeans {

    /** Each workspace's currency, shared by the purchases sink and the refits so both read orders alike. */
    @Produces
    @Singleton
    WorkspaceCurrencies workspaceCurrencies(ScoringConfig config) {
        return new WorkspaceCurrencies("portrait.scoring", config.defaultCurrency(), config.workspaceCurrency());
    }
}
