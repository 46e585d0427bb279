package io.portrait.ingestion.domain;

/** A normalized identifier of an accepted event; placeholders are kept but never used for matching. */
public record CleanedIdentifier(String type, String value, boolean matchable) {
}
