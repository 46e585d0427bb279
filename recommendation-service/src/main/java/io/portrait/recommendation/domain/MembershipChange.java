package io.portrait.recommendation.domain;

import java.time.Instant;

/**
 * One entry of tagging's log of a segment's membership: the profile entered (or left) the segment at {@code at}.
 * {@code sequence} orders the log; tagging numbers all segments' changes from one counter, so a segment's own
 * numbers rise but leave gaps.
 */
public record MembershipChange(long sequence, String profileId, boolean entered, Instant at) {
}
