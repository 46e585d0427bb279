package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** One page of the quarantine; {@code next} (the {@code cursor} of the next page) is absent on the last page. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QuarantinePage(List<QuarantinedEventView> items, String next) {
}
