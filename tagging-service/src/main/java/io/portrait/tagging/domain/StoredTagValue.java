package io.portrait.tagging.domain;

import java.time.Instant;

/** A tag value as stored: for one profile, one tag version. */
public record StoredTagValue(String profileId, String code, int version, String value, String reason,
                             Instant updatedAt) {
}
