package io.portrait.scoring.engine;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads purchases from {@code Order Completed} track events. Properties arrive as decoded JSON: numbers as
 * {@link Number}, text as {@link String}, objects as {@link Map}, arrays as {@link List}.
 */
public final class OrderParser {

    public static final String TRACK = "track";
    public static final String ORDER_COMPLETED = "Order Completed";

    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    private OrderParser() {
    }

    /** Whether the event is a completed order. */
    public static boolean isOrder(String type, String name) {
        return TRACK.equals(type) && name != null && ORDER_COMPLETED.equals(name.strip());
    }

    /**
     * The purchase an order event records. The order id is {@code orderId} or {@code order_id}; without one
     * the event id stands in, so the order still counts exactly once. The amount is {@code revenue} (number
     * or numeric text), else the sum of {@code products[].price * quantity} (quantity 1 when absent).
     * An unusable currency leaves the amount unknown rather than adding it to the wrong total.
     */
    public static Purchase parse(String profileId, String eventId, Instant occurredAt,
                                 Map<String, Object> properties, String defaultCurrency) {
        String orderId = orderId(properties).orElse(eventId);
        Optional<String> currency = currency(properties.get("currency"), defaultCurrency);
        BigDecimal amount = currency.isPresent() ? amount(properties).orElse(null) : null;
        return new Purchase(profileId, orderId, eventId, occurredAt, currency.orElse(defaultCurrency), amount);
    }

    /**
     * The ISO 4217 code for a currency property: upper-cased, the default when absent or blank, empty when it
     * is not a three-letter code.
     */
    public static Optional<String> currency(Object value, String defaultCurrency) {
        if (value == null || value instanceof String text && text.isBlank()) {
            return Optional.of(defaultCurrency);
        }
        if (!(value instanceof String text)) {
            return Optional.empty();
        }
        String code = text.strip().toUpperCase(Locale.ROOT);
        return CURRENCY.matcher(code).matches() ? Optional.of(code) : Optional.empty();
    }

    /** A number or numeric text as an exact decimal; empty for anything else (NaN, infinity, words). */
    public static Optional<BigDecimal> decimal(Object value) {
        if (value instanceof BigDecimal decimal) {
            return Optional.of(decimal);
        }
        if (value instanceof Double || value instanceof Float) {
            double number = ((Number) value).doubleValue();
            if (!Double.isFinite(number)) {
                return Optional.empty();
            }
            // JSON numbers arrive as doubles: take the shortest decimal that round-trips (19.99, not
            // 19.989999...) and drop the ".0" a double adds to whole numbers.
            BigDecimal decimal = BigDecimal.valueOf(number).stripTrailingZeros();
            return Optional.of(decimal.scale() < 0 ? decimal.setScale(0) : decimal);
        }
        if (value instanceof Number number) {
            return Optional.of(new BigDecimal(number.toString()));
        }
        if (value instanceof String text) {
            try {
                return Optional.of(new BigDecimal(text.strip()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Longest order id kept as sent; a longer one is kept as its SHA-256, which still tells orders apart. */
    static final int MAX_ORDER_ID = 200;

    private static Optional<String> orderId(Map<String, Object> properties) {
        return id(properties.get("orderId")).or(() -> id(properties.get("order_id")))
                .map(id -> id.length() <= MAX_ORDER_ID ? id : "sha256:" + sha256(id));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static Optional<String> id(Object value) {
        if (value instanceof String text && !text.isBlank()) {
            return Optional.of(text.strip());
        }
        if (value instanceof Number) {
            return decimal(value).map(BigDecimal::toPlainString);
        }
        return Optional.empty();
    }

    private static Optional<BigDecimal> amount(Map<String, Object> properties) {
        return decimal(properties.get("revenue")).or(() -> productsTotal(properties.get("products")));
    }

    private static Optional<BigDecimal> productsTotal(Object products) {
        if (!(products instanceof List<?> lines)) {
            return Optional.empty();
        }
        BigDecimal total = null;
        for (Object line : lines) {
            if (!(line instanceof Map<?, ?> product)) {
                continue;
            }
            Optional<BigDecimal> price = decimal(product.get("price"));
            if (price.isEmpty()) {
                continue;
            }
            BigDecimal quantity = product.get("quantity") == null
                    ? BigDecimal.ONE
                    : decimal(product.get("quantity")).orElse(null);
            if (quantity == null) {
                continue;
            }
            BigDecimal lineTotal = price.get().multiply(quantity);
            total = total == null ? lineTotal : total.add(lineTotal);
        }
        return Optional.ofNullable(total);
    }
}
