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
    void anEventsTraitsCannotSetConsentAndItsConsentCarriesItsTime() {
        Map<String, Object> event = ProfileTraits.ofEvent(
                Map.of("city", "Hangzhou", "consent.marketing", true, "consent.marketing.at", T2.toString()),
                Map.of("analytics", false, "Not A Purpose", true), T1);

        assertThat(event).containsOnly(Map.entry("city", "Hangzhou"), Map.entry("consent.analytics", false),
                Map.entry("consent.analytics.at", T1.toString()));
    }

    @Test
    void aLaterEventWinsAndAnOlderOneLeavesConsentAlone() {
        Map<String, Object> stored = new LinkedHashMap<>(ProfileTraits.ofEvent(Map.of("city", "Hangzhou"),
                Map.of("marketing", false), T2));

        ProfileTraits.apply(stored, ProfileTraits.ofEvent(Map.of("city", "Shanghai"), Map.of("marketing", true), T1));
        assertThat(stored).containsEntry("city", "Shanghai").containsEntry("consent.marketing", false)
                .containsEntry("consent.marketing.at", T2.toString());

        ProfileTraits.apply(stored, ProfileTraits.ofEvent(Map.of(), Map.of("marketing", true), T2));
        assertThat(stored).containsEntry("consent.marketing", true);
    }

    @Test
    void aPurposeNamedAtIsAPurposeLikeAnyOther() {
        Map<String, Object> stored = new LinkedHashMap<>();

        ProfileTraits.apply(stored, ProfileTraits.ofEvent(Map.of(), Map.of("at", true), T1));

        assertThat(stored).containsEntry("consent.at", true).containsEntry("consent.at.at", T1.toString());
    }

    @Test
    void consentStoredWithoutATimeGivesWayToAnyEvent() {
        Map<String, Object> stored = new LinkedHashMap<>(Map.of("consent.marketing", true));

        ProfileTraits.apply(stored, ProfileTraits.ofEvent(Map.of(), Map.of("marketing", false), T1));

        assertThat(stored).containsEntry("consent.marketing", false).containsEntry("consent.marketing.at", T1.toString());
    }

    @Test
    void aMergeKeepsTheSurvivorsTraitsButTheLatestConsent() {
        Map<String, Object> survivor = ProfileTraits.ofEvent(Map.of("city", "Hangzhou"),
                Map.of("marketing", true, "analytics", true), T1);
        Map<String, Object> newer = ProfileTraits.ofEvent(Map.of("city", "Beijing", "name", "Ann"),
                Map.of("marketing", false), T2);
        Map<String, Object> sameTime = ProfileTraits.ofEvent(Map.of(), Map.of("analytics", false), T1);

        Map<String, Object> merged = ProfileTraits.merge(survivor, List.of(newer, sameTime));

        assertThat(merged).containsEntry("city", "Hangzhou").containsEntry("name", "Ann")
                .containsEntry("consent.marketing", false).containsEntry("consent.marketing.at", T2.toString())
                // A tie keeps the survivor's.
                .containsEntry("consent.analytics", true);
    }
}
