package io.portrait.identity.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SurvivorshipTest {

    private static final Instant DAY = Instant.parse("2025-01-01T00:00:00Z");

    /** Observations of one trait: {@code value/source/day}, event ids e0, e1, ... in the order given. */
    static Stream<Arguments> choices() {
        return Stream.of(
                Arguments.of(SurvivorshipRule.MOST_RECENT, "Lin/web/1 Lyn/pos/3 Linn/crm/2", "Lyn", "e1"),
                Arguments.of(SurvivorshipRule.MOST_RECENT, "Lin/web/1 ' '/pos/3", "Lin", "e0"),
                Arguments.of(SurvivorshipRule.SOURCE_PRIORITY, "Lin/web/5 Lyn/pos/3 Linn/crm/2", "Linn", "e2"),
                Arguments.of(SurvivorshipRule.SOURCE_PRIORITY, "Lin/crm/1 Lyn/crm/4 Linn/pos/9", "Lyn", "e1"),
                Arguments.of(SurvivorshipRule.SOURCE_PRIORITY, "Lin/import/9 Lyn/web/1", "Lyn", "e1"),
                Arguments.of(SurvivorshipRule.SOURCE_PRIORITY, "Lin/import/1 Lyn/other/2", "Lyn", "e1"),
                Arguments.of(SurvivorshipRule.MOST_FREQUENT, "F/web/1 M/pos/2 F/app/3 M/web/4 F/crm/0", "F", "e2"),
                Arguments.of(SurvivorshipRule.MOST_FREQUENT, "F/web/1 M/pos/2 F/app/3 M/web/4", "M", "e3"));
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @MethodSource("choices")
    void choosesOneValuePerTraitWithItsProvenance(SurvivorshipRule rule, String observed, String value,
                                                  String eventId) {
        Survivorship survivorship = new Survivorship(rule, Map.of(), List.of("crm", "pos", "web"));

        List<GoldenTrait> golden = survivorship.golden(observations("name", observed));

        assertThat(golden).hasSize(1);
        assertThat(golden.get(0).value()).isEqualTo(value);
        assertThat(golden.get(0).eventId()).isEqualTo(eventId);
        assertThat(golden.get(0).rule()).isEqualTo(rule);
        assertThat(golden.get(0).source()).isEqualTo(observations("name", observed).stream()
                .filter(o -> o.eventId().equals(eventId)).findFirst().orElseThrow().source());
    }

    @Test
    void eachTraitUsesItsOwnRuleOrTheDefault() {
        Survivorship survivorship = new Survivorship(SurvivorshipRule.MOST_RECENT,
                Map.of("name", SurvivorshipRule.SOURCE_PRIORITY), List.of("crm"));
        List<TraitObservation> observed = Stream.concat(
                observations("name", "Lin/crm/1 Lyn/web/2").stream(),
                observations("city", "Hangzhou/crm/1 Shanghai/web/2").stream()).toList();

        assertThat(survivorship.golden(observed))
                .extracting(GoldenTrait::trait, GoldenTrait::value, GoldenTrait::rule)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("city", "Shanghai", SurvivorshipRule.MOST_RECENT),
                        org.assertj.core.groups.Tuple.tuple("name", "Lin", SurvivorshipRule.SOURCE_PRIORITY));
    }

    @Test
    void aTraitWithOnlyEmptyValuesIsLeftOut() {
        Survivorship survivorship = new Survivorship(SurvivorshipRule.MOST_RECENT, Map.of(), List.of());

        assertThat(survivorship.golden(observations("name", "' '/web/1"))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"most-recent, MOST_RECENT", "SOURCE_PRIORITY, SOURCE_PRIORITY", "' most-frequent ', MOST_FREQUENT"})
    void parsesRules(String text, SurvivorshipRule rule) {
        assertThat(SurvivorshipRule.parse(text)).isEqualTo(rule);
    }

    @Test
    void rejectsUnknownRules() {
        assertThatThrownBy(() -> SurvivorshipRule.parse("loudest")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("most-frequent");
    }

    private static List<TraitObservation> observations(String trait, String text) {
        String[] items = text.split(" (?=(?:[^']*'[^']*')*[^']*$)");
        List<TraitObservation> observations = new java.util.ArrayList<>();
        for (int i = 0; i < items.length; i++) {
            String[] parts = items[i].split("/");
            observations.add(new TraitObservation(trait, parts[0].replace("'", ""), parts[1], "e" + i,
                    DAY.plusSeconds(86_400L * Integer.parseInt(parts[2]))));
        }
        return observations;
    }
}
