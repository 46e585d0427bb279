package io.portrait.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portrait.common.identifier.IdentifierNormalizer;
import io.portrait.common.identifier.NormalizedIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class DemoEventsTest {

    private static final LocalDate TODAY = LocalDate.of(2026, 12, 6);
    private static final ZoneId SHOP = ZoneId.of("Europe/London");

    private static List<RetailRow> rows;
    private static List<ObjectNode> events;

    @BeforeAll
    static void load() {
        rows = DemoLoader.shippedRows();
        events = DemoEvents.events(rows, TODAY);
    }

    @Test
    void movesTheTimelineForwardByWholeWeeksSoTheLastOrderIsInThePastWeek() {
        LocalDate lastOrder = events.stream().filter(e -> e.get("messageId").asText().startsWith("demo-order-"))
                .map(e -> LocalDate.ofInstant(Instant.parse(e.get("timestamp").asText()), SHOP))
                .max(Comparator.naturalOrder()).orElseThrow();
        assertThat(lastOrder).isBetween(TODAY.minusDays(7), TODAY.minusDays(1));

        // As recorded when "today" is inside the data set; moved, each event keeps its shop time and weekday.
        List<ObjectNode> recorded = DemoEvents.events(rows, LocalDate.of(2011, 10, 1));
        assertThat(DemoEvents.weeksToShift(rows, LocalDate.of(2011, 10, 1))).isZero();
        long weeks = DemoEvents.weeksToShift(rows, TODAY);
        assertThat(weeks).isPositive();
        assertThat(recorded).hasSameSizeAs(events);
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).get("messageId")).isEqualTo(recorded.get(i).get("messageId"));
            LocalDateTime then = LocalDateTime.ofInstant(Instant.parse(recorded.get(i).get("timestamp").asText()), SHOP);
            LocalDateTime now = LocalDateTime.ofInstant(Instant.parse(events.get(i).get("timestamp").asText()), SHOP);
            assertThat(now).isEqualTo(then.plusWeeks(weeks));
        }
        assertThat(recorded.get(0).get("timestamp").asText()).startsWith("2010-11-30");
    }

    @Test
    void shipsAFewHundredCustomersWithAllTheirInvoices() {
        assertThat(rows).hasSize(20_658);
        assertThat(rows.stream().mapToLong(RetailRow::customerId).distinct().count()).isEqualTo(273);
        long invoices = rows.stream().map(RetailRow::invoiceNo).distinct().count();
        long orders = events.stream().filter(e -> e.get("messageId").asText().startsWith("demo-order-")).count();
        assertThat(orders).isEqualTo(invoices);
    }

    @Test
    void everyCustomerSignsUpOnceBeforeTheirFirstPurchase() {
        Map<String, Instant> signUps = new HashMap<>();
        for (ObjectNode e : events) {
            if (e.get("type").asText().equals("identify")) {
                assertThat(signUps.put(e.at("/identifiers/user_id").asText(), Instant.parse(e.get("timestamp").asText())))
                        .isNull();
            }
        }
        assertThat(signUps).hasSize(273);
        for (ObjectNode e : events) {
            JsonNode userId = e.at("/identifiers/user_id");
            if (!userId.isMissingNode() && e.get("type").asText().equals("track")) {
                assertThat(Instant.parse(e.get("timestamp").asText())).isAfter(signUps.get(userId.asText()));
            }
        }
    }

    @Test
    void spreadsInvoicesOverWebAppAndPos() {
        Map<String, Long> byChannel = events.stream().collect(Collectors.groupingBy(e -> e.get("channel").asText(),
                TreeMap::new, Collectors.counting()));
        assertThat(byChannel.keySet()).containsExactly("app", "pos", "web");
        assertThat(byChannel.values()).allSatisfy(count -> assertThat(count).isGreaterThan(100));
    }

    @Test
    void identifiersJoinEachCustomersChannelsIntoOnePerson() {
        UnionFind people = new UnionFind();
        for (ObjectNode e : events) {
            String first = null;
            for (Iterator<Map.Entry<String, JsonNode>> it = e.get("identifiers").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> id = it.next();
                String key = id.getKey() + ":" + id.getValue().asText();
                if (first == null) {
                    first = key;
                } else {
                    people.union(first, key);
                }
            }
        }
        Set<String> roots = new HashSet<>();
        for (long customer : rows.stream().mapToLong(RetailRow::customerId).distinct().toArray()) {
            DemoEvents.DemoCustomer c = new DemoEvents.DemoCustomer(customer);
            String root = people.find("user_id:" + c.userId());
            assertThat(people.find("email:" + c.email())).isEqualTo(root);
            assertThat(people.find("phone:" + c.phone())).isEqualTo(root);
            roots.add(root);
        }
        assertThat(roots).hasSize(273);
    }

    @Test
    void syntheticIdentifiersAreAlreadyCanonical() {
        IdentifierNormalizer normalizer = IdentifierNormalizer.withDefaults();
        for (long customer : new long[]{12360, 17850, 18285}) {
            DemoEvents.DemoCustomer c = new DemoEvents.DemoCustomer(customer);
            NormalizedIdentifier phone = normalizer.normalize("phone", c.phone());
            assertThat(phone.usable()).as(c.phone()).isTrue();
            assertThat(phone.value()).isEqualTo(c.phone());
            assertThat(normalizer.normalize("email", c.email()).value()).isEqualTo(c.email());
        }
    }

    @Test
    void ordersCarryTheirLinesAndRevenueInUtc() {
        ObjectNode order = events.stream()
                .filter(e -> e.get("messageId").asText().startsWith("demo-order-") && e.get("event").asText().equals("Order Completed"))
                .findFirst().orElseThrow();
        String invoice = order.at("/properties/orderId").asText();
        List<RetailRow> lines = rows.stream().filter(r -> r.invoiceNo().equals(invoice)).toList();
        assertThat(order.at("/properties/products")).hasSize((int) lines.stream().filter(RetailRow::merchandise).count());
        BigDecimal revenue = lines.stream().map(r -> r.unitPrice().multiply(BigDecimal.valueOf(r.quantity())))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(order.at("/properties/revenue").decimalValue()).isEqualByComparingTo(revenue);
        assertThat(order.get("timestamp").asText()).endsWith("Z");
    }

    @Test
    void postageAndAdjustmentsCountInRevenueButAreNotProducts() {
        ObjectNode order = events.stream()
                .filter(e -> e.get("messageId").asText().startsWith("demo-order-") && e.get("event").asText().equals("Order Completed"))
                .filter(e -> rows.stream().anyMatch(r -> r.invoiceNo().equals(e.at("/properties/orderId").asText())
                        && r.stockCode().equals("POST")))
                .findFirst().orElseThrow();
        String invoice = order.at("/properties/orderId").asText();
        List<RetailRow> lines = rows.stream().filter(r -> r.invoiceNo().equals(invoice)).toList();
        assertThat(order.at("/properties/products").findValuesAsText("sku"))
                .isNotEmpty().doesNotContain("POST")
                .hasSize((int) lines.stream().filter(RetailRow::merchandise).count());
        BigDecimal paid = lines.stream().map(r -> r.unitPrice().multiply(BigDecimal.valueOf(r.quantity())))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(order.at("/properties/revenue").decimalValue()).isEqualByComparingTo(paid);
        assertThat(events).flatExtracting(e -> e.at("/properties/products").findValuesAsText("sku"))
                .allSatisfy(sku -> assertThat(Character.isDigit(sku.charAt(0))).as(sku).isTrue());
    }

    @Test
    void showcaseCustomerUsesEveryChannel() {
        DemoEvents.DemoCustomer showcase = DemoLoader.showcase(rows);
        Set<DemoEvents.Channel> channels = new HashSet<>();
        rows.stream().filter(r -> r.customerId() == showcase.id())
                .forEach(r -> channels.add(DemoEvents.channelOf(r.invoiceNo())));
        assertThat(channels).containsExactlyInAnyOrder(DemoEvents.Channel.values());
    }

    private static final class UnionFind {
        private final Map<String, String> parent = new HashMap<>();

        String find(String x) {
            parent.putIfAbsent(x, x);
            String p = parent.get(x);
            if (!p.equals(x)) {
                p = find(p);
                parent.put(x, p);
            }
            return p;
        }

        void union(String a, String b) {
            parent.put(find(a), find(b));
        }
    }
}
