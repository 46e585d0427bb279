package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** A key with its secret, answered once when the key is created or rotated and never again. */
public record IssuedApiKey(@JsonUnwrapped ApiKey key, String token) {
}
