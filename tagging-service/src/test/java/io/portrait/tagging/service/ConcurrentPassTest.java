package io.portrait.tagging.service;

import io.portrait.tagging.service.ConcurrentPass.Page;
import io.portrait.tagging.service.ConcurrentPass.Progress;
import io.portrait.tagging.service.RecomputeJobs.Lease;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pages committing out of order: the checkpoint recorded only ever covers pages committed in order. */
class ConcurrentPassTest {

    /** A pass resumed after p02 with 2 profiles done. */
    private final ConcurrentPass pass = new ConcurrentPass(new Lease(List.of(), List.of(), "p02", 2));

    @Test
    void pagesAreHandedOutOneAfterTheOther() {
        assertThat(pass.after()).isEqualTo("p02");
        Page first = pass.handOut(List.of("p03", "p04"));
        assertThat(pass.after()).isEqualTo("p04");
        Page second = pass.handOut(List.of("p05"));
        assertThat(first.doneAtEnd()).isEqualTo(4);
        assertThat(second.doneAtEnd()).isEqualTo(5);
        assertThat(pass.end()).extracting(Lease::checkpoint, Lease::done).containsExactly("p05", 5L);
    }

    @Test
    void aPageCommittingBeforeAnEarlierOneDoesNotMoveTheCheckpointPastIt() {
        Page first = pass.handOut(List.of("p03", "p04"));
        Page second = pass.handOut(List.of("p05", "p06"));
        Page third = pass.handOut(List.of("p07"));

        // The second page commits first: the first may still fail, so the checkpoint stays where the pass began.
        assertThat(pass.committedThrough(second)).isEqualTo(new Progress(2, "p02"));
        pass.committed(second);
        // The first page then records itself and the second, committed already.
        assertThat(pass.committedThrough(first)).isEqualTo(new Progress(6, "p06"));
        pass.committed(first);
        assertThat(pass.committedThrough(third)).isEqualTo(new Progress(7, "p07"));
    }

    @Test
    void thePageItselfCountsWhenEveryEarlierPageCommitted() {
        Page first = pass.handOut(List.of("p03"));
        Page second = pass.handOut(List.of("p04"));
        assertThat(pass.committedThrough(first)).isEqualTo(new Progress(3, "p03"));
        pass.committed(first);
        assertThat(pass.committedThrough(second)).isEqualTo(new Progress(4, "p04"));
    }

    @Test
    void theFirstFailureIsKept() {
        assertThat(pass.failed()).isFalse();
        pass.fail(new RecomputeJobs.LeaseLostException(List.of("job")));
        pass.fail(new IllegalStateException("later"));
        assertThat(pass.failed()).isTrue();
        assertThatThrownBy(pass::rethrow).isInstanceOf(RecomputeJobs.LeaseLostException.class);
    }
}
