package io.portrait.common.money;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkspaceCurrenciesTest {

    @Test
    void aWorkspaceWithoutItsOwnCurrencyUsesTheDefault() {
        WorkspaceCurrencies currencies = new WorkspaceCurrencies("portrait.scoring", "CNY", Map.of("uk-shop", "gbp"));

        assertThat(currencies.of("uk-shop")).isEqualTo("GBP");
        assertThat(currencies.of("default")).isEqualTo("CNY");
    }

    @Test
    void aCodeThatIsNotThreeLettersFailsNamingItsSetting() {
        assertThatThrownBy(() -> new WorkspaceCurrencies("portrait.scoring", "CNY", Map.of("uk-shop", "pounds")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("portrait.scoring.workspace-currency.\"uk-shop\" must be a three-letter ISO 4217 code, not 'pounds'");
        assertThatThrownBy(() -> new WorkspaceCurrencies("portrait.ingestion", " ", Map.of()))
                .hasMessageStartingWith("portrait.ingestion.default-currency must be");
        // Three letters, but no currency: an order's currency (normalized to ISO) would never match it.
        assertThatThrownBy(() -> new WorkspaceCurrencies("portrait.scoring", "RMB", Map.of()))
                .hasMessage("portrait.scoring.default-currency must be a three-letter ISO 4217 code, not 'RMB'");
    }
}
