package io.portrait.tagging.service;

import io.portrait.tagging.domain.RecomputeJob;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a tag serves after a publish's job failed: the publish made before it takes its place. */
class PublishFallbackTest {

    private static RecomputeJob publish(String id, int version, String state) {
        RecomputeJob job = RecomputeJob.create(id, "ws", "buyer_type", version, true);
        return new RecomputeJob(job.jobId(), job.workspace(), job.code(), job.version(), state, 0, 0, null, null, null,
                true, "", null, null, 1);
    }

    private static final RecomputeJob FAILED_V3 = publish("j3", 3, RecomputeJob.FAILED);

    @Test
    void aCompletedEarlierPublishThatWaitedIsPublishedAgain() {
        PublishFallback fallback = PublishFallback.decide(FAILED_V3, 1, false, false,
                publish("j2", 2, RecomputeJob.COMPLETED), "again");

        assertThat(fallback.republish()).isNotNull();
        assertThat(fallback.republish().jobId()).isEqualTo("again");
        assertThat(fallback.republish().version()).isEqualTo(2);
        assertThat(fallback.republish().makeLive()).isTrue();
        assertThat(fallback.republish().code()).isEqualTo("buyer_type");
        assertThat(fallback.note()).isEqualTo("version 2, published before it, is published again (job again) and"
                + " served once computed; until then the tag serves version 1");
    }

    @Test
    void aFirstPublishThatWaitedIsPublishedAgainToo() {
        PublishFallback fallback = PublishFallback.decide(FAILED_V3, null, false, false,
                publish("j2", 2, RecomputeJob.COMPLETED), "again");

        assertThat(fallback.republish().version()).isEqualTo(2);
        assertThat(fallback.note()).endsWith("until then the tag serves no version");
    }

    @Test
    void anEarlierPublishStillRunningServesItselfWhenItCompletes() {
        PublishFallback fallback = PublishFallback.decide(FAILED_V3, 1, false, false,
                publish("j2", 2, RecomputeJob.RUNNING), "again");

        assertThat(fallback.republish()).isNull();
        assertThat(fallback.note()).isEqualTo("the tag serves version 1 until the publish of version 2 made before it"
                + " (job j2) completes");
    }

    @Test
    void aLaterPublishDecides() {
        PublishFallback fallback = PublishFallback.decide(FAILED_V3, 1, false, true,
                publish("j2", 2, RecomputeJob.COMPLETED), "again");

        assertThat(fallback.republish()).isNull();
        assertThat(fallback.note()).isEqualTo("the tag serves version 1; a publish of the tag made after this one decides"
                + " which version it serves");
    }

    @Test
    void aFailedRollbackKeepsTheServedVersionItAskedFor() {
        PublishFallback fallback = PublishFallback.decide(publish("j3", 1, RecomputeJob.FAILED), 1, false, false,
                publish("j2", 2, RecomputeJob.COMPLETED), "again");

        assertThat(fallback.republish()).isNull();
        assertThat(fallback.note()).isEqualTo("the tag still serves version 1");
    }

    @Test
    void theServedVersionPublishedBeforeStaysServed() {
        PublishFallback fallback = PublishFallback.decide(FAILED_V3, 2, false, false,
                publish("j2", 2, RecomputeJob.COMPLETED), "again");

        assertThat(fallback.republish()).isNull();
        assertThat(fallback.note()).isEqualTo("the tag still serves version 2");
    }

    @Test
    void aPublishMadeAgainThatFailsIsNotRetriedInALoop() {
        PublishFallback fallback = PublishFallback.decide(publish("again", 2, RecomputeJob.FAILED), 1, false, false,
                publish("j2", 2, RecomputeJob.COMPLETED), "again-2");

        assertThat(fallback.republish()).isNull();
        assertThat(fallback.note()).isEqualTo("the tag serves version 1");
    }

    @Test
    void nothingBeforeLeavesTheTagAsItWas() {
        assertThat(PublishFallback.decide(FAILED_V3, null, false, false, null, "again"))
                .isEqualTo(new PublishFallback(null, "the tag serves no version"));
        assertThat(PublishFallback.decide(FAILED_V3, 1, true, false, publish("j2", 2, RecomputeJob.COMPLETED),
                "again")).isEqualTo(new PublishFallback(null, "the tag is retired"));
    }
}
