package io.portrait.tagging.domain;

/** A node of the taxonomy; {@code parentCode} is null at the top. */
public record TagCategory(String code, String name, String description, String parentCode) {
}
