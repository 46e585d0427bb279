package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** One page of dead letters; {@code next} (the {@code cursor} of the next page) is absent on the last page. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetterPage(List<DeadLetterView> items, String next) {
}
