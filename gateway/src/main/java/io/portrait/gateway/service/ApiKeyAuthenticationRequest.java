package io.portrait.gateway.service;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** An API key token presented in the {@code X-API-Key} header. */
public class ApiKeyAuthenticationRequest extends BaseAuthenticationRequest {

    private final String token;

    public ApiKeyAuthenticationRequest(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }
}
