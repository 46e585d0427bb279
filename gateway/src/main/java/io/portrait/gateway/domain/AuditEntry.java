package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.Map;

/** One audited action: who ({@code actor}), what ({@code action}), on what ({@code target}). Never PII. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditEntry(long id, String workspace, Instant at, String actor, String action, String target,
                         Map<String, Object> detail) {
}
