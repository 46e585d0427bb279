package io.portrait.scoring.engine;

import java.util.Map;
import java.util.TreeMap;

/**
 * The currency each workspace reports value in: its monetary values, expected order values and CLV, and the
 * currency of its orders that name none. A workspace without its own uses the deployment's default, so a UK brand
 * and a Chinese brand can share one deployment, each scored in its own money.
 */
public final class WorkspaceCurrencies {

    private final String fallback;
    private final Map<String, String> byWorkspace = new TreeMap<>();

    /**
     * @param fallback    the default-currency setting
     * @param byWorkspace workspace to ISO 4217 code; codes are upper-cased
     * @throws IllegalArgumentException naming the setting when a code is not three letters
     */
    public WorkspaceCurrencies(String fallback, Map<String, String> byWorkspace) {
        this.fallback = code(fallback, "portrait.scoring.default-currency");
        byWorkspace.forEach((workspace, currency) ->
                this.byWorkspace.put(workspace, code(currency, "portrait.scoring.workspace-currency.\"" + workspace + "\"")));
    }

    public String of(String workspace) {
        return byWorkspace.getOrDefault(workspace, fallback);
    }

    private static String code(String currency, String setting) {
        return OrderParser.currency(currency == null || currency.isBlank() ? "?" : currency, "?")
                .orElseThrow(() -> new IllegalArgumentException(
                        setting + " must be a three-letter ISO 4217 code, not '" + currency + "'"));
    }
}
