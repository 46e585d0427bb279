package io.portrait.tagging.service;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A start asked for while every slot of the runner is taken is handed the next slot freed, not dropped. */
class JobSlotsTest {

    @Test
    void slotsAreTakenUpToTheMostAndFreedAgain() {
        JobSlots slots = new JobSlots(2);

        assertThat(slots.take()).isTrue();
        assertThat(slots.take()).isTrue();
        assertThat(slots.release()).as("nothing asked for meanwhile: the slot is freed").isFalse();
        assertThat(slots.take()).isTrue();
    }

    @Test
    void aStartRefusedWhileFullGetsTheNextSlotFreed() {
        JobSlots slots = new JobSlots(1);
        assertThat(slots.take()).isTrue();

        assertThat(slots.take()).as("full").isFalse();

        assertThat(slots.release()).as("the slot is handed on: look for a job at once").isTrue();
        assertThat(slots.take()).as("the slot handed on is still taken").isFalse();
        assertThat(slots.release()).as("the start refused just now is handed the slot too").isTrue();
        assertThat(slots.release()).as("nothing asked for since: freed").isFalse();
        assertThat(slots.take()).isTrue();
    }

    @Test
    void severalStartsRefusedWhileFullAreOneLookForJobs() {
        JobSlots slots = new JobSlots(1);
        slots.take();
        slots.take();
        slots.take();

        assertThat(slots.release()).isTrue();
        assertThat(slots.release()).as("one look finds every job waiting").isFalse();
    }
}
