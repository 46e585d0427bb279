package io.portrait.tagging.service;

import io.portrait.tagging.domain.RecomputeJob;

/**
 * What a tag serves after the job of a publish failed. Of several publishes of a tag the last one is served
 * ({@link TagComputeService#makeLive}); a publish whose job failed is no longer one of them, so the publish made
 * before it takes its place. Without this, a version whose job completed while a later publish was pending (and so
 * waited, superseded) would never be served once that later job failed: the tag would keep an older version, or
 * none, although a newer one had been computed.
 *
 * <p>That earlier version is not served at once but published again: while it waited its values stopped following
 * events (only the served version and those being computed do), so serving them as they are would serve stale
 * values. A new job computes it afresh and serves it once complete, as any publish.
 *
 * @param republish the job publishing an earlier version again, null when none is due
 * @param note      what the tag serves now and why, added to the failed job's error for the user
 */
record PublishFallback(RecomputeJob republish, String note) {

    /**
     * Decides for a publish job that has just failed.
     *
     * @param failed       the publish job that failed
     * @param liveVersion  the version the tag serves, null when none
     * @param retired      whether the tag was retired (a retired tag is no longer served)
     * @param laterPublish whether a publish of the tag (of any version) made after the failed one has not failed:
     *                     that one decides
     * @param previous     the last publish of the tag made before the failed one that has not failed, null when none
     * @param newJobId     the id of the job publishing the earlier version again, when it comes to that
     */
    static PublishFallback decide(RecomputeJob failed, Integer liveVersion, boolean retired, boolean laterPublish,
                                  RecomputeJob previous, String newJobId) {
        String served = liveVersion == null ? "the tag serves no version" : "the tag serves version " + liveVersion;
        if (retired) {
            return keep("the tag is retired");
        }
        if (laterPublish) {
            return keep(served + "; a publish of the tag made after this one decides which version it serves");
        }
        if (liveVersion != null && liveVersion == failed.version()) {
            // Publishing the served version again (a rollback while another publish was pending) failed: the version
            // asked for is served, and kept current by events, as it was.
            return keep("the tag still serves version " + liveVersion);
        }
        if (previous == null || liveVersion != null && previous.version() == liveVersion) {
            return keep(liveVersion == null ? served : "the tag still serves version " + liveVersion);
        }
        if (RecomputeJob.RUNNING.equals(previous.state())) {
            return keep(served + " until the publish of version " + previous.version() + " made before it (job "
                    + previous.jobId() + ") completes");
        }
        if (previous.version() == failed.version()) {
            // The failed job published that version again already: it is not retried in a loop.
            return keep(served);
        }
        RecomputeJob again = RecomputeJob.create(newJobId, failed.workspace(), failed.code(), previous.version(),
                true);
        return new PublishFallback(again, "version " + previous.version() + ", published before it, is published"
                + " again (job " + newJobId + ") and served once computed; until then " + served);
    }

    private static PublishFallback keep(String note) {
        return new PublishFallback(null, note);
    }
}
