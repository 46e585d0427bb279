package io.portrait.tagging.domain;

import java.time.Instant;

/** One version of a tag's spec (stored JSON); {@code publishedAt} is null until published. */
public record TagVersionRow(String code, int version, String spec, String cutPoints, Instant createdAt,
                            Instant publishedAt) {
}
