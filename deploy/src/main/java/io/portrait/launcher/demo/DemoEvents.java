package io.portrait.launcher.demo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns Online Retail transactions into the events a real multi-channel retailer would collect. Each invoice
 * is placed on one channel (deterministically, by its number): web orders carry the user id and a session's
 * anonymous id; app orders carry the user id and the customer's device, after an app open seen from the device
 * alone; POS purchases carry the member card and the phone. A web sign-up ties user id, email and phone together,
 * so identity resolution has real work to do: every customer ends as one profile with identifiers from
 * several channels. All identifiers are synthetic.
 *
 * <p>The data set ends in 2011. Recency, churn risk and CLV are measured from today, so the whole timeline is
 * moved forward by whole weeks (weekdays and the spacing of every customer's orders unchanged) until its last
 * order falls in the week before {@code today}.
 */
public final class DemoEvents {

    /** The Online Retail shop's currency: every demo order is in pounds sterling. */
    public static final String CURRENCY = "GBP";

    /** Invoice dates are UK shop time. */
    private static final ZoneId SHOP_ZONE = ZoneId.of("Europe/London");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private DemoEvents() {
    }

    public enum Channel { WEB, APP, POS }

    /** One customer's synthetic identifiers. */
    public record DemoCustomer(long id) {
        public String userId() {
            return "u" + id;
        }

        public String email() {
            return "customer" + id + "@example.com";
        }

        /** A valid mainland-China mobile number, stable per customer. */
        public String phone() {
            return "+86139" + String.format("%08d", Math.floorMod(id * 7919L, 100_000_000L));
        }

        public String memberCard() {
            return "M" + id;
        }

        public String deviceId() {
            return "dev-" + Long.toHexString(id * 0x9E3779B97F4A7C15L);
        }
    }

    public static Channel channelOf(String invoiceNo) {
        int bucket = Math.floorMod(invoiceNo.hashCode(), 10);
        return bucket < 5 ? Channel.WEB : bucket < 8 ? Channel.APP : Channel.POS;
    }

    /** All events for the rows, in time order, moved forward so that the last order is in the week before {@code today}. */
    public static List<ObjectNode> events(List<RetailRow> rows, LocalDate today) {
        long weeks = weeksToShift(rows, today);
        Map<String, List<RetailRow>> invoices = new LinkedHashMap<>();
        Map<Long, RetailRow> firstRowOfCustomer = new LinkedHashMap<>();
        for (RetailRow row : rows) {
            invoices.computeIfAbsent(row.invoiceNo(), k -> new ArrayList<>()).add(row);
            firstRowOfCustomer.merge(row.customerId(), row,
                    (a, b) -> b.invoiceDate().isBefore(a.invoiceDate()) ? b : a);
        }
        List<Timed> timed = new ArrayList<>();
        firstRowOfCustomer.values().forEach(first -> timed.add(signUp(first, weeks)));
        invoices.values().forEach(lines -> timed.addAll(invoiceEvents(lines, weeks)));
        timed.sort(Comparator.comparing(Timed::at).thenComparing(t -> t.event().get("messageId").asText()));
        return timed.stream().map(Timed::event).toList();
    }

    /**
     * Whole weeks that put the rows' last invoice in the seven days before {@code today} (shop time); none when it
     * is there already or later.
     */
    public static long weeksToShift(List<RetailRow> rows, LocalDate today) {
        LocalDate last = rows.stream().map(row -> row.invoiceDate().toLocalDate()).max(Comparator.naturalOrder())
                .orElse(today);
        long days = ChronoUnit.DAYS.between(last, today.minusDays(1));
        return days <= 0 ? 0 : days / 7;
    }

    private record Timed(Instant at, ObjectNode event) {
    }

    private static Timed signUp(RetailRow first, long weeks) {
        DemoCustomer customer = new DemoCustomer(first.customerId());
        Instant at = utc(first.invoiceDate().minusDays(1), weeks);
        ObjectNode event = base("demo-signup-" + customer.id(), "identify", "web", at);
        ObjectNode ids = event.putObject("identifiers");
        ids.put("user_id", customer.userId());
        ids.put("email", customer.email());
        ids.put("phone", customer.phone());
        event.putObject("traits").put("country", first.country());
        event.putObject("consent").put("personalization", true);
        return new Timed(at, event);
    }

    private static List<Timed> invoiceEvents(List<RetailRow> lines, long weeks) {
        RetailRow head = lines.get(0);
        DemoCustomer customer = new DemoCustomer(head.customerId());
        Channel channel = channelOf(head.invoiceNo());
        Instant at = utc(head.invoiceDate(), weeks);
        List<Timed> events = new ArrayList<>();
        if (channel == Channel.APP) {
            Instant opened = at.minusSeconds(180);
            ObjectNode open = base("demo-open-" + head.invoiceNo(), "track", "app", opened);
            open.put("event", "Application Opened");
            open.putObject("identifiers").put("device_id", customer.deviceId());
            events.add(new Timed(opened, open));
        }
        String name = head.cancellation() ? "Order Refunded" : "Order Completed";
        ObjectNode order = base("demo-order-" + head.invoiceNo(), "track", channel.name().toLowerCase(), at);
        order.put("event", name);
        ObjectNode ids = order.putObject("identifiers");
        switch (channel) {
            case WEB -> {
                ids.put("user_id", customer.userId());
                ids.put("anonymous_id", "anon-" + head.invoiceNo());
            }
            case APP -> {
                ids.put("user_id", customer.userId());
                ids.put("device_id", customer.deviceId());
            }
            case POS -> {
                ids.put("member_card", customer.memberCard());
                ids.put("phone", customer.phone());
            }
        }
        ObjectNode properties = order.putObject("properties");
        properties.put("orderId", head.invoiceNo());
        ArrayNode products = properties.putArray("products");
        BigDecimal revenue = BigDecimal.ZERO;
        for (RetailRow line : lines) {
            int quantity = Math.abs(line.quantity());
            // Postage, carriage and adjustments count in what the customer paid, but are not products they chose.
            if (line.merchandise()) {
                products.addObject()
                        .put("sku", line.stockCode())
                        .put("name", line.description())
                        .put("price", line.unitPrice())
                        .put("quantity", quantity);
            }
            revenue = revenue.add(line.unitPrice().multiply(BigDecimal.valueOf(quantity)));
        }
        properties.put("revenue", revenue.setScale(2, RoundingMode.HALF_UP));
        properties.put("currency", CURRENCY);
        events.add(new Timed(at, order));
        return events;
    }

    private static ObjectNode base(String messageId, String type, String channel, Instant at) {
        ObjectNode event = JSON.objectNode();
        event.put("messageId", messageId);
        event.put("type", type);
        event.put("channel", channel);
        event.put("source", "demo-online-retail");
        event.put("timestamp", at.toString());
        return event;
    }

    private static Instant utc(LocalDateTime shopTime, long weeks) {
        return shopTime.plusWeeks(weeks).atZone(SHOP_ZONE).toInstant();
    }
}
