package io.portrait.tagging.domain;

import java.time.Instant;

/** A tag's governed description; its spec lives in its versions. {@code liveVersion} is null until served. */
public record TagDefinition(String code, String name, String description, String owner, String categoryCode,
                            String kind, String valueType, String updateMode, String status, int latestVersion,
                            Integer liveVersion, Instant createdAt, Instant updatedAt) {

    public static final String DRAFT = "draft";
    public static final String PUBLISHED = "published";
    public static final String RETIRED = "retired";
}
