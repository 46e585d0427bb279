package io.portrait.gateway.rest;

import io.portrait.gateway.config.GatewayConfig;
import io.portrait.gateway.engine.BatchFormatException;

/**
 * The answers to a batch that cannot be taken as a whole, alike for every front end that collects events
 * ({@code POST /v1/events} and the Segment-compatible intake): the same limits, refused in the same words.
 */
final class BatchProblems {

    private BatchProblems() {
    }

    /** A body over the batch limit is refused before it is read. */
    static void checkSize(byte[] body, GatewayConfig config) {
        int bytes = body == null ? 0 : body.length;
        if (bytes > config.maxBatchBytes()) {
            throw new ProblemException(new Problem("payload-too-large", "Batch too large", 413,
                    "A batch is at most " + config.maxBatchBytes() + " bytes; this one is " + bytes + ".")
                    .with("limit", config.maxBatchBytes()));
        }
    }

    static ProblemException of(BatchFormatException e, GatewayConfig config) {
        return new ProblemException(switch (e.reason()) {
            case MALFORMED_JSON -> new Problem("malformed-json", "Malformed JSON", 400, e.getMessage());
            case INVALID_SHAPE -> new Problem("invalid-batch", "Invalid batch", 400, e.getMessage());
            case TOO_MANY_EVENTS -> new Problem("payload-too-large", "Batch too large", 413, e.getMessage())
                    .with("limit", config.maxBatchEvents());
            case EVENT_TOO_LARGE -> new Problem("payload-too-large", "Event too large", 413, e.getMessage())
                    .with("limit", config.maxEventBytes());
        });
    }
}
