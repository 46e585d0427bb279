package io.portrait.recommendation.engine;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ProfileItemTest {

    private static final Instant BOUGHT = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant TOUCHED = Instant.parse("2026-02-01T00:00:00Z");

    @Test
    void aBoughtItemWithoutAPurchaseTimeIsBoughtAtItsLastTouch() {
        assertThat(new ProfileItem("A", 1, true, TOUCHED, null).lastPurchaseAt()).isEqualTo(TOUCHED);
        assertThat(new ProfileItem("A", 1, true, TOUCHED).lastPurchaseAt()).isEqualTo(TOUCHED);
        assertThat(new ProfileItem("A", 1, true, TOUCHED, BOUGHT).lastPurchaseAt()).isEqualTo(BOUGHT);
    }

    @Test
    void anItemNeverBoughtHasNoPurchaseTime() {
        assertThat(new ProfileItem("A", 1, false, TOUCHED).lastPurchaseAt()).isNull();
        assertThat(new ProfileItem("A", 1, false, TOUCHED, BOUGHT).lastPurchaseAt()).isNull();
    }
}
