package io.portrait.gateway.domain;

/** The identifier to remove from a profile; in the body, so the value stays out of URLs and access logs. */
public record UnbindRequest(String type, String value) {
}
