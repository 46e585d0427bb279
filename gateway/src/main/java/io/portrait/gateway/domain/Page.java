package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** One page of a list; {@code next} is the cursor of the following page, absent on the last one. */
public record Page<T>(List<T> items, @JsonInclude(JsonInclude.Include.NON_NULL) String next) {
}
