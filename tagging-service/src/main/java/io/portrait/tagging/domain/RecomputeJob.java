package io.portrait.tagging.domain;

import java.time.Instant;

/**
 * A full computation of one tag version over all profiles. {@code makeLive}: a publish (serve the version when
 * done) rather than a refresh of the live one. The replica named {@code owner} holds it until {@code leaseUntil};
 * {@code checkpoint} is the last profile id done; {@code attempts} counts claims (more than one: a takeover).
 */
public record RecomputeJob(String jobId, String workspace, String code, int version, String state, long total,
                           long done, Instant startedAt, Instant finishedAt, String error, boolean makeLive,
                           String checkpoint, String owner, Instant leaseUntil, int attempts) {

    /** A new, unclaimed job. */
    public static RecomputeJob create(String jobId, String workspace, String code, int version, boolean makeLive) {
        return new RecomputeJob(jobId, workspace, code, version, RUNNING, 0, 0, null, null, null, makeLive, "",
                null, null, 0);
    }

    /** The id of a daily refresh job starts with it: {@code refresh-<day>-<workspace>-<code>-v<version>}. */
    public static final String DAILY_REFRESH_PREFIX = "refresh-";

    /** A job of the daily refresh, recomputing a live version in place. */
    public boolean dailyRefresh() {
        return jobId.startsWith(DAILY_REFRESH_PREFIX);
    }

    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
}
