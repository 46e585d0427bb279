package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * The answer of the Segment-compatible intake: Segment's {@code {"success": true}} when every message was accepted.
 * When some were rejected it is still a 200, since Segment's SDKs treat any 4xx as a batch to drop and log and
 * retrying would not change the verdict, but it says {@code "success": false} and lists each rejected message with
 * Portrait's reasons, so none is lost unseen.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "SegmentCompatResult", description = "Whether every message was accepted; if not, the rejected ones.")
public record SegmentCompatResult(
        @Schema(required = true, description = "True when every message was accepted.") boolean success,
        @Schema(description = "Messages accepted (stored, once per messageId); present when some were rejected.")
        Integer accepted,
        @Schema(description = "The rejected messages, by their index in the batch (0 for a single message), with "
                + "every reason; present when some were rejected.")
        List<RejectedEvent> rejected) {

    public static SegmentCompatResult of(EventBatchResult result) {
        return result.rejected().isEmpty() ? new SegmentCompatResult(true, null, null)
                : new SegmentCompatResult(false, result.accepted(), result.rejected());
    }
}
