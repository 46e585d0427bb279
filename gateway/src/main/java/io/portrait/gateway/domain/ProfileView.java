package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * One customer as the gateway shows it: who they are (identity), what they did (activity, from tagging) and
 * what they bought (purchases, from scoring). A part whose service has nothing yet, or is unavailable, is absent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProfileView(String id, List<IdentifierView> identifiers, List<String> channels, Instant firstSeen,
                          Instant lastSeen, long eventCount, List<String> mergedIds, List<ActivityView> activity,
                          PurchasesView purchases) {

    public record IdentifierView(String type, String value) {
    }

    /** How often and when the customer sent one kind of event. */
    public record ActivityView(String event, long count, Instant firstAt, Instant lastAt) {
    }

    public record PurchasesView(long orders, int purchaseDays, Instant firstPurchase, Instant lastPurchase,
                                List<MoneyView> monetary) {
    }

    /** An exact decimal amount, as text so no precision is lost. */
    public record MoneyView(String currency, String amount) {
    }

    public ProfileView with(List<ActivityView> activity, PurchasesView purchases) {
        return new ProfileView(id, identifiers, channels, firstSeen, lastSeen, eventCount, mergedIds, activity, purchases);
    }
}
