package io.portrait.recommendation.domain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SegmentMembershipsTest {

    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    private static Instant at(int minute) {
        return T0.plusSeconds(60L * minute);
    }

    /** Minutes of the latest statements "in" and "out" (-1: none), and whether the profile is a member. */
    @ParameterizedTest
    @CsvSource({
            "-1, -1, false",
            " 5, -1, true",
            "-1,  5, false",
            " 5,  3, true",
            " 3,  5, false",
            " 5,  5, false"})
    void theFresherStatementWins(int in, int out, boolean member) {
        SegmentMemberships memberships = new SegmentMemberships(
                in < 0 ? Map.of() : Map.of("gold", at(in)), out < 0 ? Map.of() : Map.of("gold", at(out)));

        assertThat(memberships.isMember("gold")).isEqualTo(member);
        assertThat(memberships.members()).isEqualTo(member ? List.of("gold") : List.of());
    }

    @Test
    void changesAppliedInAnyOrderEndTheSame() {
        List<SegmentMemberships> changes = new ArrayList<>(List.of(
                SegmentMemberships.change("gold", true, at(1)),
                SegmentMemberships.change("gold", false, at(2)),
                SegmentMemberships.change("gold", true, at(3)),
                SegmentMemberships.change("silver", true, at(1)),
                SegmentMemberships.change("silver", false, at(4))));

        for (int shuffle = 0; shuffle < 20; shuffle++) {
            Collections.shuffle(changes);
            SegmentMemberships applied = SegmentMemberships.NONE;
            for (SegmentMemberships change : changes) {
                applied = applied.with(change);
            }
            assertThat(applied.members()).containsExactly("gold");
        }
    }

    @Test
    void aListTellsInForItsSegmentsAndOutForEveryOtherKnownOne() {
        SegmentMemberships known = SegmentMemberships.change("gold", true, at(1))
                .with(SegmentMemberships.change("bronze", false, at(1)));

        SegmentMemberships listed = known.listed(List.of("silver", " "), at(5));

        assertThat(listed.in()).isEqualTo(Map.of("silver", at(5)));
        assertThat(listed.out()).isEqualTo(Map.of("gold", at(5), "bronze", at(5)));
        assertThat(known.with(listed).members()).containsExactly("silver");
    }

    @Test
    void aStaleListDoesNotUndoAFresherChange() {
        // Tagging's list was read at minute 2; the follower has since seen the profile leave gold and enter silver.
        SegmentMemberships followed = SegmentMemberships.change("gold", false, at(4))
                .with(SegmentMemberships.change("silver", true, at(3)));

        SegmentMemberships staleList = followed.listed(List.of("gold"), at(2));

        assertThat(followed.changedBy(staleList)).isFalse();
        assertThat(followed.with(staleList).members()).containsExactly("silver");
    }

    @Test
    void aFresherListOverridesOlderChanges() {
        SegmentMemberships followed = SegmentMemberships.change("gold", true, at(1));

        SegmentMemberships list = followed.listed(List.of("silver"), at(6));

        assertThat(followed.changedBy(list)).isTrue();
        assertThat(followed.with(list).members()).containsExactly("silver");
    }

    @Test
    void enteredSegmentsSayNothingAboutTheOthers() {
        SegmentMemberships followed = SegmentMemberships.change("gold", true, at(1));

        SegmentMemberships named = SegmentMemberships.entered(List.of("campaign", ""), at(6));

        assertThat(named.out()).isEmpty();
        assertThat(followed.with(named).members()).containsExactly("campaign", "gold");
    }
}
