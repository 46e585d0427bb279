package io.portrait.common.money;

import java.util.Currency;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The currency each workspace counts money in: the currency ingestion gives an amount sent without one, and the
 * one scoring reports monetary values, expected order values and CLV in. A workspace without its own uses the
 * deployment's default, so a UK brand and a Chinese brand can share one deployment, each in its own money.
 */
public final class WorkspaceCurrencies {

    private static final Pattern CODE = Pattern.compile("[A-Z]{3}");

    private final String fallback;
    private final Map<String, String> byWorkspace = new TreeMap<>();

    /**
     * @param settings    the prefix of the settings, e.g. {@code portrait.scoring}: errors name
     *                    {@code <settings>.default-currency} and {@code <settings>.workspace-currency."<ws>"}
     * @param fallback    the default-currency setting
     * @param byWorkspace workspace to ISO 4217 code; codes are upper-cased
     * @throws IllegalArgumentException naming the setting when a code is not three letters
     */
    public WorkspaceCurrencies(String settings, String fallback, Map<String, String> byWorkspace) {
        this.fallback = code(fallback, settings + ".default-currency");
        byWorkspace.forEach((workspace, currency) -> this.byWorkspace.put(workspace,
                code(currency, settings + ".workspace-currency.\"" + workspace + "\"")));
    }

    public String of(String workspace) {
        return byWorkspace.getOrDefault(workspace, fallback);
    }

    private static String code(String currency, String setting) {
        String code = currency == null ? "" : currency.strip().toUpperCase(Locale.ROOT);
        if (CODE.matcher(code).matches()) {
            try {
                // Events are normalized to ISO codes ("RMB" arrives as CNY): a setting of another spelling would
                // never match an order's currency.
                return Currency.getInstance(code).getCurrencyCode();
            } catch (IllegalArgumentException e) {
                // not a currency: answered below
            }
        }
        throw new IllegalArgumentException(setting + " must be a three-letter ISO 4217 code, not '" + currency + "'");
    }
}
