package io.portrait.gateway.domain;

/** What is wrong with one field of one event: {@code field} is its path, {@code code} a stable reason. */
public record FieldError(String field, String code, String message) {
}
