package io.portrait.ingestion.service;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque page tokens: the position after which the next page starts, Base64url so callers pass it unchanged. */
final class PageTokens {

    private PageTokens() {
    }

    static String encode(String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    /** The position a token names; null for the first page. */
    static String decode(String token) {
        if (token == null || token.isBlank()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(token.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("page_token", "not a page token of this service");
        }
    }

    static int pageSize(int requested, int defaultSize, int maxSize) {
        if (requested < 0) {
            throw new InvalidRequestException("page_size", "page_size must not be negative");
        }
        return requested == 0 ? defaultSize : Math.min(requested, maxSize);
    }
}
