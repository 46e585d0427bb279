package io.portrait.scoring.engine;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * One completed order of a profile. {@code amount} is null when the event carried no usable revenue; the
 * order still counts, it just adds nothing to the monetary totals.
 */
public record Purchase(String profileId, String orderId, String eventId, Instant occurredAt, String currency,
                       BigDecimal amount) {

    public Purchase {
        Objects.requireNonNull(profileId, "profileId");
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(currency, "currency");
    }

    /** The UTC calendar day of the purchase. */
    public LocalDate purchaseDay() {
        return LocalDate.ofInstant(occurredAt, ZoneOffset.UTC);
    }

    /** The same purchase held by another profile (the survivor of a merge). */
    public Purchase withProfileId(String survivorId) {
        return new Purchase(survivorId, orderId, eventId, occurredAt, currency, amount);
    }
}
