package io.portrait.gateway.domain;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/**
 * The documented shape of {@code POST /v1/events}. The gateway reads the body item by item (see
 * {@code EventBatchReader}) so that one malformed event does not fail its batch; this type describes it.
 */
@Schema(name = "EventBatch", description = "A batch of customer events.")
public record EventBatchRequest(
        @Schema(required = true, maxItems = 2500) List<EventInput> events) {

    @Schema(name = "Event", description = "One customer event.")
    public record EventInput(
            @Schema(required = true, description = "Idempotency key: the same messageId from the same source is stored once.",
                    example = "m-1") String messageId,
            @Schema(required = true, enumeration = {"identify", "track", "page", "screen", "alias"}) String type,
            @Schema(description = "Event name, required for track.", example = "Order Completed") String event,
            @Schema(description = "Page or screen name.") String name,
            @Schema(required = true, enumeration = {"web", "app", "mini_program", "pos", "crm", "call_center", "social", "email"})
            String channel,
            @Schema(description = "The sending system; defaults to \"default\".") String source,
            @Schema(description = "ISO-8601 with offset; normalized to UTC. Defaults to the time received.",
                    example = "2026-01-05T10:00:00Z") String timestamp,
            @Schema(required = true, description = "Identifier type to value (or list of values): user_id, email, phone, "
                    + "device_id, anonymous_id, wechat_openid, wechat_unionid, member_card, crm_id, idfa, gaid.",
                    example = "{\"email\": \"ann@example.com\", \"anonymous_id\": \"a-1\"}")
            Map<String, Object> identifiers,
            @Schema(description = "Attributes of the person (name, gender, birthday, ...).") Map<String, Object> traits,
            @Schema(description = "Attributes of the event (orderId, revenue, currency, products, ...).")
            Map<String, Object> properties,
            @Schema(description = "Consent per purpose, e.g. {\"personalization\": true}.") Map<String, Boolean> consent) {
    }
}
