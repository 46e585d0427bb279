package io.portrait.tagging.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** The 50 published tags and the synthetic profiles the tagging benchmarks run on. */
public final class BenchmarkTags {

    static final Instant NOW = Instant.parse("2026-03-31T00:00:00Z");
    static final String[] EVENTS = {"Order Completed", "Product Viewed", "Product Added", "Search", "Coupon Used"};
    static final String[] CATEGORIES = {"tea", "cups", "books", "snacks", "gifts", "toys", "garden", "kitchen"};
    static final String[] CHANNELS = {"web", "app", "mini_program", "pos"};
    static final String[] CITIES = {"Shanghai", "Beijing", "Hangzhou", "Shenzhen", "Chengdu"};

    private BenchmarkTags() {
    }

    /**
     * 50 tags of every computed kind, as a marketing team would define them, with tag-on-tag rules last: code and
     * spec (the JSON a publish takes), in order.
     */
    public static Map<String, String> specs() {
        Map<String, String> tags = new LinkedHashMap<>();
        int n = 0;
        for (int window : new int[] {7, 14, 30, 90, 180, 365}) {
            for (String event : EVENTS) {
                tags.put("count_" + n++, "{\"kind\": \"metric\", \"metric\": \"count(\\\"" + event + "\\\" last "
                        + window + "d)\"}");
            }
        }
        for (int window : new int[] {30, 90, 365}) {
            tags.put("revenue_" + n++, "{\"kind\": \"metric\", \"metric\": \"sum(revenue of \\\"Order Completed\\\""
                    + " last " + window + "d)\"}");
            tags.put("aov_" + n++, "{\"kind\": \"metric\", \"metric\": \"avg(revenue of \\\"Order Completed\\\""
                    + " last " + window + "d)\"}");
            tags.put("categories_" + n++, "{\"kind\": \"metric\", \"metric\": \"distinct(products.category of"
                    + " \\\"Order Completed\\\" last " + window + "d)\"}");
        }
        tags.put("last_order_days", "{\"kind\": \"first_last\", \"which\": \"last\", \"of\": {\"event\": \"Order Completed\"},"
                + " \"output\": \"days_since\"}");
        tags.put("first_order", "{\"kind\": \"first_last\", \"which\": \"first\", \"of\": {\"event\":"
                + " \"Order Completed\"}, \"output\": \"time\"}");
        tags.put("last_channel", "{\"kind\": \"first_last\", \"which\": \"last\", \"of\": {\"event\":"
                + " \"Order Completed\"}, \"output\": \"property\", \"property\": \"channel\"}");
        tags.put("favourite_categories", "{\"kind\": \"preference\", \"property\": \"products.category\", \"of\":"
                + " {\"event\": \"Order Completed\"}, \"lastDays\": 180, \"top\": 3}");
        tags.put("viewed_categories", "{\"kind\": \"preference\", \"property\": \"category\", \"of\":"
                + " {\"event\": \"Product Viewed\"}, \"lastDays\": 30, \"top\": 3}");
        tags.put("spend_tier", "{\"kind\": \"tiered\", \"metric\": \"sum(revenue of \\\"Order Completed\\\")\","
                + " \"tiers\": [{\"value\": \"low\", \"below\": 200}, {\"value\": \"mid\", \"below\": 1000},"
                + " {\"value\": \"high\"}]}");
        tags.put("lifecycle", "{\"kind\": \"rule\", \"values\": ["
                + "{\"value\": \"new\", \"when\": \"metric.days_since_first_seen <= 30\"},"
                + "{\"value\": \"active\", \"when\": \"did \\\"Order Completed\\\" last 30d\"},"
                + "{\"value\": \"cooling\", \"when\": \"did \\\"Order Completed\\\" last 90d\"},"
                + "{\"value\": \"at_risk\", \"when\": \"did \\\"Order Completed\\\" last 365d\"},"
                + "{\"value\": \"lost\", \"when\": \"metric.event_count >= 0\"}]}");
        tags.put("cart_abandoner", "{\"kind\": \"rule\", \"values\": [{\"value\": \"yes\", \"when\":"
                + " \"did \\\"Product Added\\\" last 7d and not did \\\"Product Added\\\" then \\\"Order Completed\\\""
                + " within 1d last 7d\"}]}");
        tags.put("shanghai_high", "{\"kind\": \"rule\", \"values\": [{\"value\": \"yes\", \"when\":"
                + " \"trait.city = \\\"Shanghai\\\" and tag.spend_tier = \\\"high\\\"\"}]}");
        tags.put("win_back", "{\"kind\": \"rule\", \"values\": [{\"value\": \"yes\", \"when\":"
                + " \"tag.spend_tier in [\\\"mid\\\", \\\"high\\\"] and not did \\\"Order Completed\\\" last 60d\"}]}");
        tags.put("coupon_lover", "{\"kind\": \"rule\", \"values\": [{\"value\": \"yes\", \"when\":"
                + " \"count(\\\"Coupon Used\\\" last 180d) >= 2 or sum(revenue of \\\"Order Completed\\\" [coupon exists]"
                + " last 180d) > 100\"}]}");
        if (tags.size() != 50) {
            throw new IllegalStateException("expected 50 tags, got " + tags.size());
        }
        return tags;
    }

    /** {@link #specs()} compiled. */
    static List<CompiledTag> fifty() {
        FieldCatalog catalog = FieldCatalog.standard(Map.of("spend_tier", ValueType.STRING, "last_order_days", ValueType.NUMBER));
        List<CompiledTag> tags = new ArrayList<>();
        specs().forEach((code, spec) -> tags.add(tag(code, spec, catalog)));
        return tags;
    }

    private static CompiledTag tag(String code, String spec, FieldCatalog catalog) {
        return CompiledTag.of(code, 1, TagSpecs.parse(spec, catalog), CompiledTag.REAL_TIME, null);
    }

    /** A profile with {@code events} events over the last year. */
    static ProfileState profile(long seed, int events) {
        SplittableRandom random = new SplittableRandom(seed);
        List<ProfileEvent> list = new ArrayList<>(events);
        Instant first = NOW;
        for (int i = 0; i < events; i++) {
            list.add(event(random));
        }
        for (ProfileEvent event : list) {
            first = event.at().isBefore(first) ? event.at() : first;
        }
        Instant last = list.stream().map(ProfileEvent::at).max(Instant::compareTo).orElse(NOW);
        return ProfileState.of("p" + seed, Map.of("city", CITIES[random.nextInt(CITIES.length)], "age",
                        (double) (18 + random.nextInt(50))), Map.of(),
                events == 0 ? null : new EventCounts(events, first, last), list);
    }

    static ProfileEvent event(SplittableRandom random) {
        String name = EVENTS[random.nextInt(EVENTS.length)];
        Instant at = NOW.minus(Duration.ofMinutes(random.nextInt(365 * 24 * 60)));
        String category = CATEGORIES[random.nextInt(CATEGORIES.length)];
        Map<String, Object> properties = name.equals("Order Completed")
                ? Map.of("revenue", 20.0 + random.nextInt(300), "products", List.of(Map.of("category", category,
                "price", 10.0 + random.nextInt(100), "quantity", 1.0 + random.nextInt(3))))
                : Map.of("category", category);
        return ProfileEvent.of(name, at, CHANNELS[random.nextInt(CHANNELS.length)], "bench", properties);
    }
}
