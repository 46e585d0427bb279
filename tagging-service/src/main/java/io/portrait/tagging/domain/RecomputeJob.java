package io.portrait.tagging.domain;

import java.time.Instant;

/** A full computation of one tag version over all profiles. */
public record RecomputeJob(String jobId, String workspace, String code, int version, String state, long total,
                           long done, Instant startedAt, Instant finishedAt, String error) {

    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
}
