package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/** An API key as stored and listed: never the secret, only its hash (which is not shown either). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiKey(String id, String workspace, String name, List<String> scopes, Integer rateLimit,
                     @JsonIgnore byte[] secretHash, Instant createdAt, String createdBy, Instant rotatedAt,
                     Instant revokedAt) {

    public boolean active() {
        return revokedAt == null;
    }
}
