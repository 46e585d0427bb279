package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.JsonNode;
import io.portrait.common.tags.TagListText;

import java.util.List;

/** The JSON shapes of the tag API. */
public final class TagViews {

    private TagViews() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Category(String code, String name, String description, String parentCode) {
    }

    /** A new tag: its definition and its first spec. */
    public record NewTag(String code, String name, String description, String owner, String category,
                         String updateMode, JsonNode spec) {
    }

    /** A new version of a tag's spec. */
    public record NewVersion(JsonNode spec) {
    }

    public record PublishRequest(Integer version) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Definition(String code, String name, String description, String owner, String category,
                             String kind, String valueType, String updateMode, String status, int latestVersion,
                             Integer liveVersion, String createdAt, String updatedAt) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Version(int version, JsonNode spec, String createdAt, String publishedAt) {
    }

    public record TagDetails(Definition definition, List<Version> versions) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Job(String id, String tag, int version, String state, long total, long done, String startedAt,
                      String finishedAt, String error) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Published(Definition definition, Job job) {
    }

    public record Assignment(String value, List<String> profileIds, String note) {
    }

    public record Removal(List<String> profileIds) {
    }

    public record Count(int count) {
    }

    /** The outcome of a file import: lines applied and lines refused with their reason. */
    public record ImportResult(int assigned, List<ImportError> errors) {
    }

    public record ImportError(int line, String detail) {
    }

    public record TagValueItem(String profileId, String value, String reason, String updatedAt) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TagValues(int version, List<TagValueItem> items, String next) {
    }

    public record ValueCount(String value, long profiles) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Insight(int version, long profiles, long tagged, @JsonSerialize(using = Figure.class) double coverage, List<ValueCount> values,
                          Double min, Double max, @JsonSerialize(using = Figure.class) Double mean) {
    }

    /** {@code items}: a list tag's items, decoded from {@code value} (where a comma inside an item reads {@code %2C}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ProfileTag(String code, String name, String value, List<String> items, String valueType, int version,
                             String reason, String updatedAt) {

        /** The items of a list value; null for every other type. */
        public static List<String> items(String value, String valueType) {
            return "list".equals(valueType) ? TagListText.split(value) : null;
        }
    }

    public record ProfileTags(String profileId, List<ProfileTag> tags) {
    }
}
