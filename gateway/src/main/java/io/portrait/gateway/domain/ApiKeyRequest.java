package io.portrait.gateway.domain;

import java.util.List;

/**
 * What an admin asks for when creating a key: {@code workspace} defaults to the admin's own, {@code rateLimit}
 * (requests per second) to the gateway's default.
 */
public record ApiKeyRequest(String name, List<String> scopes, String workspace, Integer rateLimit) {
}
