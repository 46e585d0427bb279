package io.portrait.tagging.engine;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ProfileTaggerTest {

    private static final Instant NOW = Instant.parse("2026-03-31T00:00:00Z");
    private static final FieldCatalog CATALOG = FieldCatalog.standard(Map.of("orders", ValueType.NUMBER));

    private static CompiledTag tag(String code, int version, String spec) {
        return CompiledTag.of(code, version, TagSpecs.parse(spec, CATALOG), CompiledTag.REAL_TIME, null);
    }

    /** Two orders, one of them this month. */
    private static final ProfileState LIN = ProfileState.of("p1", Map.of(), Map.of("orders", 2.0), null, List.of(
            ProfileEvent.of("Order Completed", Instant.parse("2025-01-10T10:00:00Z"), "web", "shop", Map.of()),
            ProfileEvent.of("Order Completed", Instant.parse("2026-03-20T10:00:00Z"), "web", "shop", Map.of())));

    @Test
    void whileANextVersionIsComputedTheTagsReadingItReadTheServedOne() {
        CompiledTag ordersLive = tag("orders", 1, "{\"kind\": \"metric\", \"metric\": \"count(\\\"Order Completed\\\")\"}");
        CompiledTag ordersNext = tag("orders", 2,
                "{\"kind\": \"metric\", \"metric\": \"count(\\\"Order Completed\\\" last 30d)\"}");
        CompiledTag repeat = tag("repeat_buyer", 1,
                "{\"kind\": \"rule\", \"values\": [{\"value\": \"yes\", \"when\": \"tag.orders >= 2\"}]}");
        List<CompiledTag> ordered = new ProfileTagger(List.of(repeat, ordersNext, ordersLive)).tags();

        Map<CompiledTag, Optional<TagValue>> values = ProfileTagger.evaluate(ordered, LIN, NOW,
                tag -> !tag.equals(ordersNext));

        assertThat(values.get(ordersLive).map(value -> value.text())).contains("2");
        assertThat(values.get(ordersNext).map(value -> value.text())).contains("1");
        // Fed every new value, repeat_buyer would read version 2's 1 (and lose its value) whichever order they ran.
        assertThat(values.get(repeat).map(value -> value.text())).contains("yes");
        assertThat(ProfileTagger.evaluate(List.of(ordersLive, ordersNext, repeat), LIN, NOW).get(repeat)).isEmpty();
    }
}
