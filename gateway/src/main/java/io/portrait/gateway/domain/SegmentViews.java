package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/** The JSON shapes of the segment API. */
public final class SegmentViews {

    private SegmentViews() {
    }

    /** A rule in the text form (a string) or the JSON form (an object). */
    public record RuleRequest(JsonNode rule) {
    }

    public record NewSegment(String code, String name, String description, JsonNode rule) {
    }

    public record Count(long count, long profiles) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Segment(String code, String name, String description, String rule, JsonNode ruleJson, long members,
                          String refreshedAt) {
    }

    public record Refreshed(Segment segment, int entered, int left) {
    }

    /** {@code sequence}: the change's number in the segment's log, in the order the changes happened. */
    public record Change(long sequence, String profileId, String change, String at) {
    }

}
