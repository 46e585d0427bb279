package io.portrait.ingestion.domain;

/** The idempotency key of an event inside a workspace: a message id is unique per source. */
public record EventKey(String source, String messageId) {
}
