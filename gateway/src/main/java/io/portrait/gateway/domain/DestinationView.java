package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * A webhook destination and how far each of its segments got. {@code start} is where it was asked to begin in the
 * segments' change logs. {@code secret} is present only in the answer that creates the destination or rotates its
 * secret: it is stored sealed and never listed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DestinationView(String id, String name, String url, DestinationStart start, List<Delivery> segments,
                              String secret, Instant createdAt, String createdBy, Instant rotatedAt) {

    public DestinationView {
        segments = List.copyOf(segments);
    }

    public DestinationView withSecret(String newSecret) {
        return new DestinationView(id, name, url, start, segments, newSecret, createdAt, createdBy, rotatedAt);
    }

    /**
     * One segment's delivery: where it started ({@code startedAfter}, the sequence number of the segment's change
     * log after which delivery began: 0 from the beginning, the log's last change at creation from now), the last
     * change the receiver acknowledged ({@code deliveredThrough}; {@code startedAfter} before the first), how many
     * were delivered, and the current run of failures with the last error and when the next call is due.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delivery(String segment, long startedAfter, long deliveredThrough, long delivered,
                           Instant lastDeliveredAt, int failures, String lastError, Instant lastErrorAt,
                           Instant nextTryAt) {
    }
}
