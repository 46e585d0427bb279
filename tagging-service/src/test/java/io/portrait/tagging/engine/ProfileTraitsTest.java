package io.portrait.tagging.engine;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProfileTraitsTest {

    private static final Instant T1 = Instant.parse("2026-01-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-01-02T10:00:00Z");

    @Test
    void anEventsTraitsCannotSetConsentOrTimesAndEachKeyCarriesTheEventsTime() {
        Map<String, Object> event = ProfileTraits.ofEvent(
                Map.of("city", "Hangzhou", "consent.marketing", true, ProfileTraits.TIMES, Map.of("city", "x")),
                Map.of("analytics", false, "Not A Purpose", true), T1);

        assertThat(event).containsOnlyKeys("city", "consent.analytics", ProfileTraits.TIMES)
                .containsEntry("city", "Hangzhou").containsEntry("consent.analytics", false)
                .containsEntry(ProfileTraits.TIMES, Map.of("city", T1.toString(), "consent.analytics", T1.toString()));
    }

    @Test
    void aLaterEventWinsAndAnOlderOneLeavesWhatWasSaidLater() {
        Map<String, Object> stored = new LinkedHashMap<>(ProfileTraits.ofEvent(Map.of("city", "Hangzhou"),
                Map.of("marketing", false), T2));

        // A backfill of an older record: its city and its consent are older than what is held.
        ProfileTraits.apply(stored, ProfileTraits.ofEvent(Map.of("city", "Shanghai", "name", "Ann"),
                Map.of("marketing", true), T1));
        assertThat(stored).containsEntry("city", "Hangzhou").containsEntry("name", "Ann")
                .containsEntry("consent.marketing", false);

        ProfileTraits.apply(stored, ProfileTraits.ofEvent(Map.of("city", "Beijing"), Map.of("marketing", true), T2));
        assertThat(stored).containsEntry("city", "Beijing").containsEntry("consent.marketing", true);
    }

    @Test
    void aPurposeNamedAtIsAPurposeLikeAnyOther() {
        Map<String, Object> stored = new LinkedHashMap<>();

        ProfileTraits.apply(stored, ProfileTraits.ofEvent(Map.of(), Map.of("at", true), T1));

        assertThat(stored).containsEntry("consent.at", true);
    }

    @Test
    void valuesStoredWithoutATimeGiveWayToAnyEvent() {
        Map<String, Object> stored = new LinkedHashMap<>(Map.of("consent.marketing", true, "city", "Lyon"));

        ProfileTraits.apply(stored, ProfileTraits.ofEvent(Map.of("city", "Paris"), Map.of("marketing", false), T1));

        assertThat(stored).containsEntry("consent.marketing", false).containsEntry("city", "Paris");
    }

    @Test
    void aMergeKeepsTheLatestValueOfEachKeyAndTheSurvivorsOnATie() {
        Map<String, Object> survivor = ProfileTraits.ofEvent(Map.of("city", "Hangzhou", "gender", "female"),
                Map.of("marketing", true, "analytics", true), T2);
        Map<String, Object> older = ProfileTraits.ofEvent(Map.of("city", "Beijing", "name", "Ann"),
                Map.of("marketing", false), T1);
        Map<String, Object> sameTime = ProfileTraits.ofEvent(Map.of("gender", "unknown"), Map.of("analytics", false), T2);
        Map<String, Object> newer = ProfileTraits.ofEvent(Map.of(), Map.of("marketing", false), T2.plusSeconds(1));

        Map<String, Object> merged = ProfileTraits.merge(survivor, List.of(older, sameTime, newer));

        assertThat(merged).containsEntry("city", "Hangzhou").containsEntry("name", "Ann")
                .containsEntry("gender", "female").containsEntry("consent.analytics", true)
                .containsEntry("consent.marketing", false);
    }
}
