package io.portrait.gateway.domain;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * A webhook destination to create: a unique name in the workspace, the URL to call, the segments it follows, and
 * where it starts in their change logs ({@link DestinationStart}; the beginning when absent). The start is text here
 * so that an unknown one gets the API's own answer naming the field.
 */
public record DestinationRequest(
        String name,
        String url,
        List<String> segments,
        @Schema(enumeration = {"beginning", "now"}, defaultValue = "beginning",
                description = "Where delivery starts in each segment's change log: \"beginning\" replays every past "
                        + "change, \"now\" starts after the last change the log holds at creation.") String start) {
}
