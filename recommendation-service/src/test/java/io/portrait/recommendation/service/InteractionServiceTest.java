package io.portrait.recommendation.service;

import io.portrait.recommendation.domain.EventFacts;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class InteractionServiceTest {

    @Test
    void groupsTheEventsStillToApplyByTheProfileTheyNowBelongToInDeliveredOrder() {
        List<EventFacts> delivered = List.of(event("e1", "a"), event("e2", "b"), event("e3", "merged-into-a"),
                event("e4", "a"), event("e2", "b"), event("e5", "c"));

        Map<String, List<EventFacts>> toApply = InteractionService.toApply(delivered, Set.of("e5"),
                Map.of("merged-into-a", "a"));

        assertThat(toApply).containsOnlyKeys("a", "b");
        assertThat(toApply.get("a")).extracting(EventFacts::eventId).containsExactly("e1", "e3", "e4");
        assertThat(toApply.get("b")).extracting(EventFacts::eventId).containsExactly("e2");
        assertThat(toApply.keySet()).containsExactly("a", "b");
    }

    private static EventFacts event(String eventId, String profileId) {
        return new EventFacts(eventId, profileId, null, List.of(), List.of(), null, null);
    }
}
