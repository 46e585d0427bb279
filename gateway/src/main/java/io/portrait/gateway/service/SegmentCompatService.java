package io.portrait.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.portrait.gateway.config.GatewayConfig;
import io.portrait.gateway.domain.EventBatchResult;
import io.portrait.gateway.engine.SegmentTranslator;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The Segment-compatible intake: translates Segment's messages ({@link SegmentTranslator}) and hands them to
 * {@link EventService} like any batch, so they meet the same checks, limits and verdicts as {@code POST /v1/events}.
 * Built at start, so a wrong {@code portrait.gateway.segment-compat.*} setting stops the gateway instead of the
 * first message. The time a request is received, which corrects its messages' times by their {@code sentAt}, is read
 * here, once per request.
 */
@Startup
@ApplicationScoped
public class SegmentCompatService {

    private final EventService events;
    private final SegmentTranslator translator;
    private final int maxMessages;
    private final Clock clock = Clock.systemUTC();

    public SegmentCompatService(EventService events, GatewayConfig config) {
        this.events = events;
        this.translator = new SegmentTranslator(config.segmentCompat().defaultChannel(), config.segmentCompat().source());
        this.maxMessages = config.maxBatchEvents();
    }

    /** {@code {"batch": [...], "context": {...}, "sentAt": "..."}} from {@code /v1/batch} or {@code /v1/import}. */
    public Uni<EventBatchResult> batch(String workspace, byte[] body) {
        Instant receivedAt = clock.instant();
        JsonNode root = events.parse(body, "send a JSON object with a \"batch\" array of messages.");
        return events.collectTranslated(workspace, translator.batch(root, maxMessages, receivedAt));
    }

    /** One message of the given type, from {@code /v1/track} and its siblings. */
    public Uni<EventBatchResult> single(String workspace, String type, byte[] body) {
        Instant receivedAt = clock.instant();
        JsonNode root = events.parse(body, "send one message object.");
        return events.collectTranslated(workspace, List.of(translator.single(root, type, receivedAt)));
    }
}
