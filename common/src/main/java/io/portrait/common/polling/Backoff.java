package io.portrait.common.polling;

import java.time.Duration;

/** Exponential backoff: {@code initial} after the first failure, doubling up to {@code max}. */
public record Backoff(Duration initial, Duration max) {

    /** Delay before the next try after {@code failures} consecutive failures (1 or more). */
    public Duration delay(int failures) {
        int doublings = Math.max(0, Math.min(failures - 1, 32));
        long millis = initial.toMillis();
        for (int i = 0; i < doublings && millis < max.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }
}
